"""Statistics over HTTP against a small register built through the API, counted by hand."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from services.registry.app import create_app
from services.registry.settings import RegistrySettings
from shared.contracts.registry import MovementStatistics, PopulationStatistics
from shared.values.local_government_code import local_government_check_digit
from tests.conftest import running
from tests.registry.conftest import ALL_READ, CHIYODA, SAPPORO_CHUO, Headers, Register
from tests.registry.residents.test_endpoints import read, record
from tests.support.tokens import TokenFactory

POPULATION = "/registry/v1/statistics/population"
MOVEMENTS = "/registry/v1/statistics/movements"
UNKNOWN_CODE = "13999" + str(local_government_check_digit("13999"))


@pytest.fixture
async def unsuppressed(
    registry: httpx.AsyncClient, registry_db: str, tokens: TokenFactory
) -> AsyncIterator[httpx.AsyncClient]:
    """The same register served with REGISTRY_STATISTICS_MIN_CELL=1 (every cell published)."""
    app = create_app(
        RegistrySettings(database_url=registry_db, statistics_min_cell=1), jwks_source=tokens.source()
    )
    async with running(app) as client:
        yield client


async def household_of(client: httpx.AsyncClient, headers: Headers, code: str) -> str:
    household: str = (await read(client, headers, code, *ALL_READ)).json()["household"]["household_id"]
    return household


async def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def build_register(registry: httpx.AsyncClient, headers: Headers, register: Register) -> dict[str, str]:
    """Chiyoda (C) and Sapporo Chuo (S):
    A  male, born 1990-04-01 in C, head of household H1
    B  female, born 1992-03-01, moved in to C (domestic) 2015-01-01 into H1; leaves H1 2019-04-01
    K  male, born 2016-05-10 in C, into H1
    D  male, born 1950-01-01 in S; moves out 2018-06-30, into C 2018-07-01; dies 2020-01-10
    E  male, born 1980-03-01, moved in to C (domestic) 2000-01-01; moves abroad 2019-12-31
    F  female (VN), born 1995-08-20, moved in to S from abroad 2020-04-01; removed 2021-04-05
    G  female, born 2000-03-01 in S
    """
    a = await register(date_of_birth="1990-04-01", effective_date="1990-04-01")
    h1 = await household_of(registry, headers, a)
    b = await register(
        event_type="move_in",
        from_abroad=False,
        effective_date="2015-01-01",
        given_name="花子",
        given_name_kana="ハナコ",
        sex="female",
        date_of_birth="1992-03-01",
        household={"household_id": h1, "head_resident_code": a, "relationship": "妻"},
    )
    k = await register(
        given_name="一郎",
        given_name_kana="イチロウ",
        date_of_birth="2016-05-10",
        effective_date="2016-05-10",
        household={"household_id": h1, "head_resident_code": a, "relationship": "子"},
    )
    d = await register(
        given_name="次郎",
        given_name_kana="ジロウ",
        date_of_birth="1950-01-01",
        effective_date="1950-01-01",
        address={"local_government_code": SAPPORO_CHUO, "address_lines": ["大通西1"]},
    )
    await ok(
        await record(
            registry,
            headers,
            d,
            {"type": "move_out", "effective_date": "2018-06-30", "to_local_government_code": CHIYODA},
        )
    )
    await ok(
        await record(
            registry,
            headers,
            d,
            {
                "type": "move_in",
                "effective_date": "2018-07-01",
                "address": {"local_government_code": CHIYODA, "address_lines": ["千代田3-3"]},
            },
        )
    )
    await ok(await record(registry, headers, d, {"type": "death", "effective_date": "2020-01-10"}))
    e = await register(
        event_type="move_in",
        from_abroad=False,
        effective_date="2000-01-01",
        given_name="三郎",
        given_name_kana="サブロウ",
        date_of_birth="1980-03-01",
        address={"local_government_code": CHIYODA, "address_lines": ["千代田4-4"]},
    )
    await ok(
        await record(
            registry, headers, e, {"type": "move_out", "effective_date": "2019-12-31", "to_abroad": True}
        )
    )
    f = await register(
        event_type="move_in",
        effective_date="2020-04-01",
        family_name="NGUYEN",
        given_name="THI",
        family_name_kana="グエン",
        given_name_kana="ティ",
        sex="female",
        date_of_birth="1995-08-20",
        nationality="VN",
        foreign_resident={"status_of_residence": "留学", "period_of_stay_until_date": "2021-03-31"},
        address={"local_government_code": SAPPORO_CHUO, "address_lines": ["大通西2"]},
    )
    await ok(
        await record(
            registry,
            headers,
            f,
            {"type": "removal", "effective_date": "2021-04-05", "reason": "在留期間満了"},
        )
    )
    g = await register(
        given_name="幸子",
        given_name_kana="サチコ",
        sex="female",
        date_of_birth="2000-03-01",
        effective_date="2000-03-01",
        address={"local_government_code": SAPPORO_CHUO, "address_lines": ["大通西3"]},
    )
    etag = (await registry.get(f"/registry/v1/households/{h1}", headers=headers(*ALL_READ))).headers["ETag"]
    separated = await registry.post(
        f"/registry/v1/households/{h1}/events",
        json={
            "type": "household_separation",
            "effective_date": "2019-04-01",
            "head_resident_code": b,
            "relationships": {},
        },
        headers=headers("registry:write", **{"If-Match": etag}),
    )
    await ok(separated)
    return {"A": a, "B": b, "K": k, "D": d, "E": e, "F": f, "G": g}


def counts(document: dict[str, Any], code: str) -> dict[tuple[str, str], int | None]:
    """The non-zero cells of one municipality: (sex, band) -> value (None if suppressed)."""
    (found,) = [m for m in document["municipalities"] if m["local_government_code"] == code]
    return {
        (row["sex"], band): value
        for row in found["population"]
        for band, value in zip(document["age_bands"], row["counts"], strict=True)
        if value != 0
    }


def municipality(document: dict[str, Any], code: str) -> dict[str, Any]:
    (found,) = [m for m in document["municipalities"] if m["local_government_code"] == code]
    result: dict[str, Any] = found
    return result


async def population(client: httpx.AsyncClient, as_of: str, **params: Any) -> dict[str, Any]:
    response = await client.get(POPULATION, params={"as_of": as_of, **params})
    assert response.status_code == 200, response.text
    PopulationStatistics.model_validate(response.json())
    body: dict[str, Any] = response.json()
    return body


async def movements(client: httpx.AsyncClient, from_date: str, to_date: str, **params: Any) -> dict[str, Any]:
    response = await client.get(MOVEMENTS, params={"from_date": from_date, "to_date": to_date, **params})
    assert response.status_code == 200, response.text
    MovementStatistics.model_validate(response.json())
    body: dict[str, Any] = response.json()
    return body


async def test_population_and_households_match_a_hand_count(
    registry: httpx.AsyncClient, unsuppressed: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    await build_register(registry, headers, register)
    # No token: the statistics are public.
    on = await population(unsuppressed, "2019-06-01")
    assert counts(on, CHIYODA) == {
        ("male", "25-29"): 1,  # A, 29
        ("female", "25-29"): 1,  # B, 27
        ("male", "0-4"): 1,  # K, 3
        ("male", "65-69"): 1,  # D, 69
        ("male", "35-39"): 1,  # E, 39
    }
    assert counts(on, SAPPORO_CHUO) == {("female", "15-19"): 1}  # G, 19
    # H1 (A, K), B's own since the separation, D's, E's.
    assert municipality(on, CHIYODA)["households"] == {"value": 4, "suppressed": False}
    assert municipality(on, CHIYODA)["population_total"] == {"value": 5, "suppressed_cells": 0}
    assert on["total"] == {
        "households": {"value": 5, "suppressed_cells": 0},
        "population": {"value": 6, "suppressed_cells": 0},
    }
    before_split = await population(unsuppressed, "2019-03-31", local_government_code=CHIYODA)
    assert municipality(before_split, CHIYODA)["households"]["value"] == 3
    # D between his move-out (effective 2018-06-30) and move-in counts nowhere.
    between = await population(unsuppressed, "2018-06-30")
    assert ("male", "65-69") not in counts(between, SAPPORO_CHUO)
    assert ("male", "65-69") not in counts(between, CHIYODA)
    assert counts(await population(unsuppressed, "2018-06-29"), SAPPORO_CHUO)[("male", "65-69")] == 1
    # Gone: D (died), E (abroad), F (removed); B, K, A remain in C, G in S.
    later = await population(unsuppressed, "2022-01-01")
    assert counts(later, CHIYODA) == {("male", "30-34"): 1, ("female", "25-29"): 1, ("male", "5-9"): 1}
    assert counts(later, SAPPORO_CHUO) == {("female", "20-24"): 1}


async def test_a_date_before_registration_and_the_age_boundary(
    registry: httpx.AsyncClient, unsuppressed: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    await build_register(registry, headers, register)
    # F registered on 2020-04-01: not counted the day before.
    assert counts(await population(unsuppressed, "2020-03-31"), SAPPORO_CHUO) == {("female", "20-24"): 1}
    assert counts(await population(unsuppressed, "2020-04-01"), SAPPORO_CHUO) == {("female", "20-24"): 2}
    # G, born 2000-03-01, is 19 on 2020-02-29 and 20 on 2020-03-01.
    assert counts(await population(unsuppressed, "2020-02-29"), SAPPORO_CHUO) == {("female", "15-19"): 1}
    assert counts(await population(unsuppressed, "2020-03-01"), SAPPORO_CHUO) == {("female", "20-24"): 1}
    # Before anyone was registered, nothing is listed.
    empty = await population(unsuppressed, "1949-12-31")
    assert empty["municipalities"] == []
    assert empty["total"]["population"] == {"value": 0, "suppressed_cells": 0}
    # Asked for by code, a municipality with no one is listed with zeros.
    asked = await population(unsuppressed, "1949-12-31", local_government_code=CHIYODA)
    assert municipality(asked, CHIYODA)["population_total"]["value"] == 0


def flows(document: dict[str, Any], code: str) -> dict[str, int]:
    return {
        kind: total["value"]
        for kind, total in municipality(document, code)["totals"].items()
        if total["value"] or total["suppressed_cells"]
    }


async def test_movements_match_a_hand_count_and_reconcile_with_the_population(
    registry: httpx.AsyncClient, unsuppressed: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    await build_register(registry, headers, register)
    period = await movements(unsuppressed, "2016-01-01", "2022-01-01")
    assert flows(period, CHIYODA) == {
        "births": 1,  # K
        "moves_in_domestic": 1,  # D
        "deaths": 1,  # D
        "moves_out_abroad": 1,  # E
    }
    assert flows(period, SAPPORO_CHUO) == {
        "moves_out_domestic": 1,  # D
        "moves_in_abroad": 1,  # F
        "other_decreases": 1,  # F's removal
    }
    by_sex = {row["sex"]: row for row in municipality(period, SAPPORO_CHUO)["by_sex"]}
    assert by_sex["female"]["moves_in_abroad"]["value"] == 1
    assert by_sex["male"]["moves_out_domestic"]["value"] == 1
    # Stock and flows agree: population at the end = at the start + increases - decreases.
    start = await population(unsuppressed, "2016-01-01")
    end = await population(unsuppressed, "2022-01-01")
    for code in (CHIYODA, SAPPORO_CHUO):
        m = municipality(period, code)
        assert (
            municipality(start, code)["population_total"]["value"]
            + m["increases"]["value"]
            - m["decreases"]["value"]
            == municipality(end, code)["population_total"]["value"]
        )
    # The end is exclusive: D's death on 2020-01-10 is in [2020-01-10, 2020-01-11), not before.
    assert flows(await movements(unsuppressed, "2020-01-10", "2020-01-11"), CHIYODA) == {"deaths": 1}
    assert (await movements(unsuppressed, "2020-01-01", "2020-01-10"))["municipalities"] == []
    one = await movements(unsuppressed, "2016-01-01", "2022-01-01", local_government_code=SAPPORO_CHUO)
    assert [m["local_government_code"] for m in one["municipalities"]] == [SAPPORO_CHUO]


async def test_small_cells_are_suppressed_and_cannot_be_recovered_from_totals(
    registry: httpx.AsyncClient, register: Register
) -> None:
    for given in ("一", "二", "三"):
        await register(given_name=given, date_of_birth="1990-04-01", effective_date="1990-04-01")
    await register(sex="female", given_name="花子", date_of_birth="1991-04-01", effective_date="1991-04-01")
    body = await population(registry, "2019-06-01")  # REGISTRY_STATISTICS_MIN_CELL defaults to 3
    assert body["min_cell"] == 3
    chiyoda = municipality(body, CHIYODA)
    assert counts(body, CHIYODA) == {("male", "25-29"): 3, ("female", "25-29"): None}
    rows = {row["sex"]: row for row in chiyoda["population"]}
    assert rows["male"]["suppressed_bands"] == []
    assert rows["female"]["suppressed_bands"] == ["25-29"]
    assert rows["female"]["counts"][body["age_bands"].index("30-34")] == 0
    assert rows["female"]["total"] == {"value": 0, "suppressed_cells": 1}
    index = body["age_bands"].index("25-29")
    assert chiyoda["population_by_age_band"]["counts"][index] == 3
    assert chiyoda["population_by_age_band"]["suppressed_cells"][index] == 1
    assert sum(chiyoda["population_by_age_band"]["suppressed_cells"]) == 1
    # Every total is the sum of the published cells: subtracting them leaves 0, never the 1.
    assert chiyoda["population_total"] == {"value": 3, "suppressed_cells": 1}
    assert body["total"]["population"] == {"value": 3, "suppressed_cells": 1}
    assert chiyoda["households"] == {"value": 4, "suppressed": False}
    flows_body = await movements(registry, "1990-01-01", "1992-01-01")
    births = {row["sex"]: row["births"] for row in municipality(flows_body, CHIYODA)["by_sex"]}
    assert births["male"] == {"value": 3, "suppressed": False}
    assert births["female"] == {"value": None, "suppressed": True}
    assert municipality(flows_body, CHIYODA)["totals"]["births"] == {"value": 3, "suppressed_cells": 1}
    assert municipality(flows_body, CHIYODA)["increases"] == {"value": 3, "suppressed_cells": 1}
    # No personal data anywhere in the answers.
    text = str(body) + str(flows_body)
    assert "花子" not in text
    assert "1990-04-01" not in text


@pytest.mark.parametrize(
    ("path", "params", "status", "slug"),
    [
        (POPULATION, {"as_of": "2020-13-01"}, 422, "validation-failed"),
        (POPULATION, {"as_of": "20200101"}, 422, "validation-failed"),
        (POPULATION, {}, 422, "validation-failed"),
        (POPULATION, {"as_of": "2020-01-01", "local_government_code": "13101"}, 422, "validation-failed"),
        (
            POPULATION,
            {"as_of": "2020-01-01", "local_government_code": UNKNOWN_CODE},
            404,
            "unknown-local-government-code",
        ),
        (MOVEMENTS, {"from_date": "2020-01-01"}, 422, "validation-failed"),
        (MOVEMENTS, {"from_date": "2020-02-01", "to_date": "2020-01-01"}, 422, "invalid-period"),
        (MOVEMENTS, {"from_date": "2020-01-01", "to_date": "2020-01-01"}, 422, "invalid-period"),
        (MOVEMENTS, {"from_date": "2020-01-01", "to_date": "2020-02-30"}, 422, "validation-failed"),
        (
            MOVEMENTS,
            {"from_date": "2020-01-01", "to_date": "2021-01-01", "local_government_code": UNKNOWN_CODE},
            404,
            "unknown-local-government-code",
        ),
    ],
)
async def test_bad_input_is_a_problem(
    registry: httpx.AsyncClient, path: str, params: dict[str, str], status: int, slug: str
) -> None:
    response = await registry.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:jichi:problem:{slug}"


async def test_a_retired_code_is_reported_as_it_was(
    registry: httpx.AsyncClient, unsuppressed: httpx.AsyncClient, register: Register
) -> None:
    """浦和市 (112046) was retired on 2001-05-01: someone registered there before is counted
    under 112046 on a date it was in use, not under its successor."""
    urawa = "112046"
    await register(
        date_of_birth="1990-04-01",
        effective_date="1990-04-01",
        address={"local_government_code": urawa, "address_lines": ["常盤1-1"]},
    )
    body = await population(unsuppressed, "2000-01-01")
    assert [m["local_government_code"] for m in body["municipalities"]] == [urawa]
    assert counts(body, urawa) == {("male", "5-9"): 1}
    births = await movements(unsuppressed, "1990-01-01", "1991-01-01", local_government_code=urawa)
    assert municipality(births, urawa)["totals"]["births"] == {"value": 1, "suppressed_cells": 0}
