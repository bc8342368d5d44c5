"""The check-in route's own handler (`endpoints._check_in_at_desk`) answers every request exactly as
FastAPI's handler of the route does: the same status, problem and check-in, over bodies the model
takes, bends or refuses, content types, tokens and election ids, in the same order of checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.elections.checkins import endpoints
from shared.contracts.elections import CheckInIn
from tests.elections.factories import API, Actors, build_roll, dates_around, make_election
from tests.elections.fake_registry import FakeRegistry, code, resident
from tests.support.databases import on_postgres

VOTED = 1  # checked in before either run: every check-in of theirs is refused as a second vote
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# What a case sends, given the voter it may check in and the station and election set up:
# (content type or None, body bytes).
Body = Callable[[str, int], tuple[str | None, bytes]]


def _json(document: Any, content_type: str | None = "application/json") -> Body:
    return lambda voter, station: (content_type, json.dumps(_filled(document, voter, station)).encode())


def _raw(text: str, content_type: str | None = "application/json") -> Body:
    return lambda voter, station: (
        content_type,
        text.replace("VOTER", voter).replace("STATION", str(station)).encode(),
    )


def _filled(document: Any, voter: str, station: int) -> Any:
    if isinstance(document, dict):
        return {key: _filled(value, voter, station) for key, value in document.items()}
    return (
        {"VOTER": voter, "STATION": station}.get(document, document)
        if isinstance(document, str)
        else document
    )


VALID = {"resident_code": "VOTER", "method": "early", "station_id": "STATION"}

# Not here: a body that is not UTF-8, which both handlers answer with a 400 `bad-request` that the
# operation does not declare (FastAPI's own "error parsing the body"; every JSON route does so).
BODIES: dict[str, Body] = {
    "valid": _json(VALID),
    "valid, charset": _json(VALID, "application/json; charset=utf-8"),
    "valid, upper-case type": _json(VALID, "Application/JSON"),
    "valid, merge-patch type": _json(VALID, "application/merge-patch+json"),
    "text/plain": _json(VALID, "text/plain"),
    "no content type": _json(VALID, None),
    "whitespace around": _raw(' \n {"resident_code": "VOTER", "method": "early", "station_id": STATION} \t'),
    "byte order mark": lambda voter, station: (
        "application/json",
        b"\xef\xbb\xbf" + json.dumps({**VALID, "resident_code": voter, "station_id": station}).encode(),
    ),
    "station as string": _raw('{"resident_code": "VOTER", "method": "early", "station_id": "STATION"}'),
    "station as float": _raw('{"resident_code": "VOTER", "method": "early", "station_id": STATION.0}'),
    "station as 1.5": _raw('{"resident_code": "VOTER", "method": "early", "station_id": 1.5}'),
    "station as true": _raw('{"resident_code": "VOTER", "method": "early", "station_id": true}'),
    "station past its column": _raw(
        '{"resident_code": "VOTER", "method": "early", "station_id": 2147483648}'
    ),
    "station past 64 bits": _raw(
        '{"resident_code": "VOTER", "method": "early", "station_id": 100000000000000000000000000000}'
    ),
    "station NaN": _raw('{"resident_code": "VOTER", "method": "early", "station_id": NaN}'),
    "station 1e400": _raw('{"resident_code": "VOTER", "method": "early", "station_id": 1e400}'),
    "station null": _raw('{"resident_code": "VOTER", "method": "early", "station_id": null}'),
    "station missing": _raw('{"resident_code": "VOTER", "method": "early"}'),
    "absentee without station": _raw('{"resident_code": "VOTER", "method": "absentee"}'),
    "unknown station": _raw('{"resident_code": "VOTER", "method": "early", "station_id": 999999}'),
    "method missing": _raw('{"resident_code": "VOTER", "station_id": STATION}'),
    "method unknown": _raw('{"resident_code": "VOTER", "method": "postal", "station_id": STATION}'),
    "method upper-case": _raw('{"resident_code": "VOTER", "method": "EARLY", "station_id": STATION}'),
    "extra key": _raw('{"resident_code": "VOTER", "method": "early", "station_id": STATION, "x": 1}'),
    "duplicate key, valid last": _raw(
        '{"resident_code": "1", "resident_code": "VOTER", "method": "early", "station_id": STATION}'
    ),
    "duplicate key, valid first": _raw(
        '{"resident_code": "VOTER", "resident_code": "1", "method": "early", "station_id": STATION}'
    ),
    "full-width digits": lambda voter, station: (
        "application/json",
        json.dumps({**VALID, "resident_code": voter.translate(FULL_WIDTH), "station_id": station}).encode(),
    ),
    "wrong check digit": _raw('{"resident_code": "12345678901", "method": "early", "station_id": STATION}'),
    "code as number": _raw('{"resident_code": 12345678903, "method": "early", "station_id": STATION}'),
    "escaped NUL": _raw('{"resident_code": "VOTER\\u0000", "method": "early", "station_id": STATION}'),
    "lone surrogate": _raw('{"resident_code": "\\ud800", "method": "early", "station_id": STATION}'),
    "truncated": _raw('{"resident_code": "VOTER", '),
    "empty": _raw(""),
    "an array": _raw("[]"),
    "null": _raw("null"),
    "a string": _raw('"VOTER"'),
    "already voted": lambda voter, station: _json(VALID)(code(VOTED), station),
    "trailing garbage": _raw('{"resident_code": "VOTER", "method": "early", "station_id": STATION} x'),
}

TOKENS: dict[str, Callable[[Actors], dict[str, str]]] = {
    "clerk": lambda actors: actors.clerk(),
    "none": lambda actors: {},
    "reader": lambda actors: actors.as_("elections:read"),
    "forged": lambda actors: {"Authorization": "Bearer not.a.token"},
    "not bearer": lambda actors: {"Authorization": "Basic abc"},
}

ELECTIONS = ("this", "unknown", "zero", "letters", "past its column")


def _election(choice: str, election_id: int) -> str:
    return {
        "this": str(election_id),
        "unknown": "999999",
        "zero": "0",
        "letters": "abc",
        "past its column": str(2**31),
    }[choice]


def _cases() -> list[tuple[str, str, str]]:
    """Every body with the clerk on this election; every token and election with a few bodies."""
    cases = [(body, "clerk", "this") for body in BODIES]
    for token in TOKENS:
        for election in ELECTIONS:
            for body in ("valid", "wrong check digit", "truncated", "station missing"):
                if (body, token, election) not in cases:
                    cases.append((body, token, election))
    return cases


def _answer(response: httpx.Response, voter: str) -> tuple[Any, ...]:
    """What a caller sees, but the new check-in's own id and time, and the voter's code."""
    content_type = response.headers.get("content-type")
    text = response.text.replace(voter, "VOTER")
    if response.status_code == 201:
        created = json.loads(text)
        return 201, content_type, {k: v for k, v in created.items() if k not in ("id", "checked_in_at")}
    problem = json.loads(text) if text else None
    if isinstance(problem, dict):
        problem.pop("request_id", None)
    headers = {
        name: response.headers.get(name) for name in ("www-authenticate", "retry-after", "accept-post")
    }
    return response.status_code, content_type, problem, headers


async def _answers(
    elections: httpx.AsyncClient, actors: Actors, election_id: int, station: int, first_voter: int
) -> list[tuple[Any, ...]]:
    answers = []
    for n, (body, token, election) in enumerate(_cases(), start=first_voter):
        content_type, content = BODIES[body](code(n), station)
        headers = TOKENS[token](actors)
        if content_type is not None:
            headers["Content-Type"] = content_type
        path = f"{API}/elections/{_election(election, election_id)}/check-ins"
        response = await elections.post(path, content=content, headers=headers)
        answers.append((body, token, election, _answer(response, code(n))))
    return answers


@pytest.mark.postgres_only
async def test_the_route_s_own_handler_answers_as_fastapi_s_handler(
    elections: httpx.AsyncClient, actors: Actors, registry: FakeRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert on_postgres()
    cases = len(_cases())
    setup = await make_election(elections, actors, stations=1, dates=dates_around(3))
    registry.add(*(resident(n, line="丸の内1丁目1") for n in range(1, 2 * cases + 2)))
    await build_roll(elections, actors, setup.election_id)
    station = setup.station_ids[0]
    path = f"{API}/elections/{setup.election_id}/check-ins"
    voted = {"resident_code": code(VOTED), "method": "early", "station_id": station}
    assert (await elections.post(path, json=voted, headers=actors.clerk())).status_code == 201

    taken: list[CheckInIn] = []

    def counted(content_type: str | None, body: bytes) -> CheckInIn | None:
        data = check_in_body(content_type, body)
        if data is not None:
            taken.append(data)
        return data

    check_in_body = endpoints.check_in_body
    monkeypatch.setattr(endpoints, "check_in_body", counted)
    own = await _answers(elections, actors, setup.election_id, station, first_voter=VOTED + 1)
    # The route's own handler takes no request now: FastAPI's handler answers every one, as before.
    monkeypatch.setattr(endpoints, "check_in_body", lambda content_type, body: None)
    documented = await _answers(elections, actors, setup.election_id, station, first_voter=VOTED + cases + 1)

    assert [case for case, answer in zip(own, documented, strict=True) if case != answer] == []
    answers = {answer[0] for *_, answer in own}
    # The grid reaches answers of every kind, and the route's own handler answered most of them.
    assert answers >= {201, 400, 401, 403, 404, 409, 415, 422}
    assert len(taken) >= 50
