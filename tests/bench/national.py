"""A whole House of Representatives general election decided in one request (issue 16).

289 single-member districts over the country's municipalities and the 11 proportional blocks of
whole prefectures (annexed table 2), each district with 3-6 candidates, most of them also on their
party's block list at one shared rank (dual candidates), and a counted tally sheet per
municipality and contest. `GET /elections/v1/elections/{id}/results` decides all 300 contests
(districts first, then each block from its dual candidates' 惜敗率); the baseline is the bare SQL
aggregation of the same counts in one asyncpg query. BENCH_GENERAL_DISTRICTS (default 289) makes it
smaller for a trial run.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from services.registry.generator.generate import municipalities
from tests.bench.context import BenchContext
from tests.bench.elections import _client, _election_dates, _fresh_token, _gathered, _post

DISTRICTS = int(os.environ.get("BENCH_GENERAL_DISTRICTS", "289"))
ROUNDS = int(os.environ.get("BENCH_GENERAL_ROUNDS", "3"))
PARTIES = 6
KATAKANA = "アイウエオカキクケコ"

# The 11 blocks (公職選挙法 annexed table 2) by prefecture number, with their seats.
BLOCKS: list[tuple[str, int, list[int]]] = [
    ("北海道", 8, [1]),
    ("東北", 12, [2, 3, 4, 5, 6, 7]),
    ("北関東", 19, [8, 9, 10, 11]),
    ("南関東", 23, [12, 14, 19]),
    ("東京都", 19, [13]),
    ("北陸信越", 10, [15, 16, 17, 18, 20]),
    ("東海", 21, [21, 22, 23, 24]),
    ("近畿", 28, [25, 26, 27, 28, 29, 30]),
    ("中国", 10, [31, 32, 33, 34, 35]),
    ("四国", 6, [36, 37, 38, 39]),
    ("九州", 20, [40, 41, 42, 43, 44, 45, 46, 47]),
]


def prefecture_code(number: int) -> str:
    """JIS X 0402 code of a prefecture itself (pp0001 with its check digit)."""
    digits = f"{number:02d}000"
    remainder = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), digits, strict=True)) % 11
    return digits + str((11 - remainder) % 10)


def district_areas(districts: int) -> list[tuple[int, list[str]]]:
    """(block index, municipality codes) per district: districts dealt to prefectures in turn (one
    per block first, so a trial run still has all 11 blocks), each prefecture's municipalities split
    among its districts."""
    by_prefecture: dict[int, list[str]] = defaultdict(list)
    for code in municipalities()[0]:
        by_prefecture[int(code[:2])].append(code)
    order = [prefectures[0] for _, _, prefectures in BLOCKS]
    order += [p for _, _, prefectures in BLOCKS for p in prefectures[1:]]
    count: dict[int, int] = defaultdict(int)
    for n in range(districts):
        count[order[n % len(order)]] += 1
    block_of = {p: b for b, (_, _, prefectures) in enumerate(BLOCKS) for p in prefectures}
    areas = []
    for prefecture, n in count.items():
        codes = by_prefecture[prefecture]
        areas += [(block_of[prefecture], codes[i::n]) for i in range(n) if codes[i::n]]
    return areas


def _kana(n: int) -> str:
    return "コウホ " + "".join(KATAKANA[int(d)] for d in str(n))


async def _setup(client: httpx.AsyncClient, districts: int) -> tuple[int, list[int], dict[str, list[int]]]:
    """The election, its contests, parties and candidates through the API (not measured). Returns
    the election, the party ids and, per municipality, the contest ids whose sheets it holds."""
    election = await _post(
        client, "/elections/v1/elections", {"name": f"衆議院議員総選挙 ({districts}区)", **_election_dates()}
    )
    eid = int(election["id"])
    base = f"/elections/v1/elections/{eid}"
    party_ids = [
        int((await _post(client, f"{base}/parties", {"name": f"党{n + 1}"}))["id"]) for n in range(PARTIES)
    ]
    block_ids = [
        int(
            (
                await _post(
                    client,
                    f"{base}/contests",
                    {
                        "name": f"{name}ブロック",
                        "kind": "house_of_representatives_proportional",
                        "seats": seats,
                        "local_government_codes": [prefecture_code(p) for p in prefectures],
                    },
                )
            )["id"]
        )
        for name, seats, prefectures in BLOCKS
    ]
    rng = random.Random(16)
    areas = district_areas(districts)
    contests = await _gathered(
        [
            _post(
                client,
                f"{base}/contests",
                {
                    "name": f"第{n + 1}区",
                    "kind": "house_of_representatives_district",
                    "seats": 1,
                    "local_government_codes": codes,
                },
            )
            for n, (_, codes) in enumerate(areas)
        ]
    )
    sheets_of: dict[str, list[int]] = defaultdict(list)
    people: list[tuple[int, int, dict[str, Any]]] = []  # block, district contest, person
    for (block, codes), contest in zip(areas, contests, strict=True):
        for code in codes:
            sheets_of[code] += [int(contest["id"]), block_ids[block]]
        for k in range(rng.randint(3, 6)):
            party = party_ids[k] if k < PARTIES - 1 else None  # the last kind of candidate stands alone
            person = {
                "name": f"候補{len(people)}",
                "kana": _kana(len(people)),
                "birth_date": "1970-01-01",
                "party_id": party,
            }
            people.append((block, int(contest["id"]), person))
    stood = await _gathered(
        [
            _post(client, f"/elections/v1/contests/{cid}/candidates", {**p, "deposit_yen": 3_000_000})
            for _, cid, p in people
        ]
    )
    listed = [
        _post(
            client,
            f"/elections/v1/contests/{block_ids[block]}/candidates",
            {**person, "deposit_yen": 6_000_000, "list_rank": 1, "district_candidate_id": candidate["id"]},
        )
        for (block, _, person), candidate in zip(people, stood, strict=True)
        if person["party_id"] is not None
    ]
    # Each party's list also has two candidates of its own after the dual ones.
    for b, block_id in enumerate(block_ids):
        for p, party in enumerate(party_ids):
            for rank in (2, 3):
                n = 1_000_000 + b * 100 + p * 10 + rank
                listed.append(
                    _post(
                        client,
                        f"/elections/v1/contests/{block_id}/candidates",
                        {
                            "name": f"名簿{n}",
                            "kana": _kana(n),
                            "birth_date": "1970-01-01",
                            "party_id": party,
                            "deposit_yen": 6_000_000,
                            "list_rank": rank,
                        },
                    )
                )
    await _gathered(listed)
    return eid, party_ids, sheets_of


async def _load_counts(
    connection: asyncpg.Connection, election_id: int, party_ids: list[int], sheets_of: dict[str, list[int]]
) -> int:
    """A counting district per municipality and, per municipality and contest, a counted sheet with
    both clerks' identical entries and its counts, as the tally service stores them (COPY)."""
    rng = random.Random(289)
    now = datetime.now(UTC)
    await connection.copy_records_to_table(
        "counting_districts",
        records=[(election_id, f"{code}開票区", code) for code in sheets_of],
        columns=["election_id", "name", "local_government_code"],
    )
    district_of = {
        row["local_government_code"]: row["id"]
        for row in await connection.fetch(
            "SELECT id, local_government_code FROM counting_districts WHERE election_id = $1", election_id
        )
    }
    candidates: dict[int, list[int]] = defaultdict(list)
    for row in await connection.fetch(
        "SELECT c.id, c.contest_id FROM candidates c JOIN contests k ON k.id = c.contest_id "
        "WHERE k.election_id = $1 AND k.kind = 'house_of_representatives_district'",
        election_id,
    ):
        candidates[row["contest_id"]].append(row["id"])
    sheets, entries, counts = [], [], []
    for code, contest_ids in sheets_of.items():
        for contest_id in contest_ids:
            keys = [f"candidate:{c}" for c in candidates[contest_id]] or [f"party:{p}" for p in party_ids]
            votes = {key: rng.randint(50, 5000) for key in keys}
            invalid = rng.randint(0, 50)
            ballots = {
                "ballots_issued": sum(votes.values()) + invalid,
                "invalid_ballots": invalid,
                "blank_ballots": 0,
                "unreturned_ballots": 0,
            }
            unit = f"district:{district_of[code]}"
            sheets.append(
                (
                    contest_id,
                    district_of[code],
                    None,
                    unit,
                    "counted",
                    "[]",
                    "[]",
                    *ballots.values(),
                    Decimal(sum(votes.values())),
                    now,
                    now,
                )
            )
            entries.append(json.dumps({f"votes.{k}": f"{v}.000" for k, v in votes.items()} | ballots))
            counts.append(votes)
    await connection.copy_records_to_table(
        "tally_sheets",
        records=sheets,
        columns=[
            "contest_id",
            "counting_district_id",
            "station_id",
            "unit_key",
            "status",
            "differences",
            "problems",
            "ballots_issued",
            "invalid_ballots",
            "blank_ballots",
            "unreturned_ballots",
            "valid_votes",
            "counted_at",
            "created_at",
        ],
    )
    ids = {
        (row["contest_id"], row["unit_key"]): row["id"]
        for row in await connection.fetch(
            "SELECT s.id, s.contest_id, s.unit_key FROM tally_sheets s "
            "JOIN contests k ON k.id = s.contest_id WHERE k.election_id = $1",
            election_id,
        )
    }
    sheet_ids = [ids[(sheet[0], sheet[3])] for sheet in sheets]
    await connection.copy_records_to_table(
        "tally_entries",
        records=[
            (sid, clerk, entry, now)
            for sid, entry in zip(sheet_ids, entries, strict=True)
            for clerk in ("bench-clerk-1", "bench-clerk-2")
        ],
        columns=["sheet_id", "clerk_id", "content", "entered_at"],
    )
    await connection.copy_records_to_table(
        "tally_counts",
        records=[
            (sid, key, Decimal(v))
            for sid, votes in zip(sheet_ids, counts, strict=True)
            for key, v in votes.items()
        ],
        columns=["sheet_id", "selection", "votes"],
    )
    return len(sheets)


BARE_ELECTION_SQL = (
    "SELECT s.contest_id, s.counting_district_id, c.selection, sum(c.votes) FROM tally_counts c "
    "JOIN tally_sheets s ON s.id = c.sheet_id JOIN contests k ON k.id = s.contest_id "
    "WHERE k.election_id = $1 AND s.status = 'counted' "
    "GROUP BY s.contest_id, s.counting_district_id, c.selection"
)


async def _decide(client: httpx.AsyncClient, election_id: int, contests: int) -> float:
    started = time.perf_counter()
    response = await client.get(f"/elections/v1/elections/{election_id}/results")
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"results: {response.status_code} {response.text[:300]}")
    results = response.json()["contests"]
    undecided = [c["name"] for c in results if c["status"] != "unofficial-complete" or c["lot_required"]]
    if len(results) != contests or undecided:
        raise RuntimeError(f"{len(results)} contests of {contests}; undecided: {undecided[:5]}")
    return seconds


async def elections_general_election(ctx: BenchContext) -> None:
    token = await _fresh_token(ctx)
    connection = await asyncpg.connect(ctx.asyncpg_dsn("elections"))
    try:
        async with _client(ctx.platform.gateway_url, token, timeout=600.0) as client:
            election_id, party_ids, sheets_of = await _setup(client, DISTRICTS)
            sheets = await _load_counts(connection, election_id, party_ids, sheets_of)
            await connection.execute("ANALYZE counting_districts, tally_sheets, tally_entries, tally_counts")
            contests = len({cid for ids in sheets_of.values() for cid in ids})
            await _decide(client, election_id, contests)  # warm-up
            await connection.fetch(BARE_ELECTION_SQL, election_id)
            service, bare = [], []
            for _ in range(ROUNDS):
                service.append(await _decide(client, election_id, contests))
                started = time.perf_counter()
                await connection.fetch(BARE_ELECTION_SQL, election_id)
                bare.append(time.perf_counter() - started)
    finally:
        await connection.close()
    ctx.record(
        "elections_general_election",
        what=f"GET /elections/v1/elections/{{id}}/results through the gateway: a House of Representatives "
        f"general election of {contests - len(BLOCKS)} single-member districts (3-6 candidates each, most "
        f"also dual candidates on their party's block list) and {len(BLOCKS)} blocks, {len(sheets_of):,} "
        f"municipalities, {sheets:,} counted sheets (COPY-loaded, 2 agreeing entries each), decided in one "
        f"request, best of {ROUNDS}; bare: the same counts aggregated in one asyncpg query",
        contests=contests,
        sheets=sheets,
        service_ms=round(min(service) * 1000, 1),
        service_median_ms=round(statistics.median(service) * 1000, 1),
        bare_ms=round(min(bare) * 1000, 1),
        service_to_bare=round(min(service) / min(bare), 1),
    )
