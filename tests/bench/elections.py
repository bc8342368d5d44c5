"""Elections scenarios (issue 4, "Speed"): the voter roll, check-ins, and results at national scale.

- `elections_roll`: a roll built from the registry (`POST .../roll/builds`, an asynchronous job)
  against the time the registry takes to stream the same residents out through its bulk extract,
  in the same run. The registry holds BENCH_ROLL_RESIDENTS residents (default 1,000,000) from its own
  generator and import command, or the 1,000,000 the registry scenarios imported
  (`residents.jsonl` in the work folder) when they ran first. The roll covers every municipality,
  or the largest ones up to BENCH_ROLL_LIMIT residents when it is set (for development).
- `elections_checkins`: sustained check-ins through the gateway, every request a different voter,
  then two "stations" racing to check in the same voters; zero double votes is checked in the
  database; the rate is compared with the registry's single-lookup rate measured in the same run.
- `elections_get_election`: one GET of an election sent directly to the service, against a bare ASGI
  endpoint doing the same SQL through asyncpg (`tests/bench/baseline_app.py`), in interleaved rounds.
- `elections_results_linearity`: a 20-candidate national contest with 5,000 and with 50,000 stations
  (BENCH_RESULTS_STATIONS, the small one a tenth of it); the stations and their counted tally sheets
  (both clerks' agreeing entries) are bulk-loaded with COPY into the service's tables, since entering
  100,000 sheets through the API would take far too long. Timed: `GET /contests/{id}/results`.

Elections, contests, counting districts, stations (roll), parties and candidates are created through
the service's own API.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx
import orjson

from deploy.local.platform import token_for
from services.elections.roll.eligibility import add_months
from services.registry.generator.generate import SEED_CSV, municipalities
from services.registry.generator.names import TOWNS
from shared.auth.scopes import SCOPES
from shared.values import JST
from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.cpu import cpu_of
from tests.bench.registry import settle_register
from tests.bench.wrk import LoadResult, check_clean, ensure_wrk, interleaved, load, parse

ROLL_RESIDENTS = int(os.environ.get("BENCH_ROLL_RESIDENTS", "1000000"))
ROLL_LIMIT = int(os.environ.get("BENCH_ROLL_LIMIT", "0"))  # 0: every municipality
# Each third of the roll must outlast a measured run of check-ins (every request a new voter).
CHECKIN_ROLL_LIMIT = int(os.environ.get("BENCH_CHECKIN_ROLL_LIMIT", "60000"))
RESULTS_STATIONS = int(os.environ.get("BENCH_RESULTS_STATIONS", "50000"))
RESULTS_ROUNDS = int(os.environ.get("BENCH_RESULTS_ROUNDS", "5"))
CANDIDATES = 20
PARTIES = 4
PURPOSE = "benchmark"
SETUP_CONCURRENCY = 8

# The roll election of a run, for the check-ins scenario (keyed by the run's work folder).
_ROLLS: dict[Path, Roll] = {}


@dataclass(frozen=True)
class Roll:
    election_id: int
    municipalities: list[str]
    residents_examined: int
    voters: int


async def _fresh_token(ctx: BenchContext) -> str:
    """A new token for the bench client: a full `make bench` outlives the 15 minutes of ctx.token."""
    credentials = await ctx.platform.ensure_client("bench", " ".join(SCOPES), rate_limit=1e9)
    return await token_for(ctx.platform, credentials)


def _client(base_url: str, token: str, timeout: float | None = 120.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=httpx.Timeout(timeout)
    )


async def _post(client: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    if response.status_code not in (200, 201):
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:500]}")
    result: dict[str, Any] = response.json()
    return result


async def _gathered(calls: list[Any]) -> list[dict[str, Any]]:
    """Run API calls a few at a time (setup only, not measured)."""
    gate = asyncio.Semaphore(SETUP_CONCURRENCY)

    async def one(call: Any) -> dict[str, Any]:
        async with gate:
            result: dict[str, Any] = await call
            return result

    return list(await asyncio.gather(*(one(call) for call in calls)))


def _election_dates() -> dict[str, str]:
    """Announced two days ago, polling in ten days: early voting is open today (JST)."""
    today = datetime.now(JST).date()
    return {
        "announcement_date": (today - timedelta(days=2)).isoformat(),
        "polling_day": (today + timedelta(days=10)).isoformat(),
    }


# --- the voter roll -------------------------------------------------------------------------------


async def _residents_loaded(ctx: BenchContext) -> str:
    """Fill the registry once per run; says where the residents came from."""
    shared = ctx.work_dir / "residents.jsonl"
    if shared.exists():
        return "the registry scenarios' import (seed 1)"
    own = ctx.work_dir / "election-residents.jsonl"
    if not own.exists():
        pending = ctx.work_dir / "election-residents.pending.jsonl"
        await ctx.platform.command(
            "-m", "services.registry", "generate", "--count", str(ROLL_RESIDENTS), "--seed", "2",
            "--out", str(pending),
        )  # fmt: skip
        await ctx.platform.command("-m", "services.registry", "import", str(pending), "--quiet")
        pending.rename(own)
    return "python -m services.registry generate --seed 2 and import"


async def _municipalities_by_size(ctx: BenchContext) -> list[tuple[str, int]]:
    connection = await asyncpg.connect(ctx.asyncpg_dsn("registry"))
    try:
        rows = await connection.fetch(
            "SELECT local_government_code, count(*) AS n FROM residents "
            "GROUP BY local_government_code ORDER BY n DESC, local_government_code"
        )
    finally:
        await connection.close()
    return [(row["local_government_code"], int(row["n"])) for row in rows]


def _largest(sizes: list[tuple[str, int]], limit: int) -> list[str]:
    if limit <= 0:
        return [code for code, _ in sizes]
    chosen, total = [], 0
    for code, count in sizes:
        if total >= limit:
            break
        chosen.append(code)
        total += count
    return chosen


async def _roll_election(client: httpx.AsyncClient, codes: list[str], name: str) -> int:
    """An election with one contest over `codes`, a counting district per municipality and two
    stations per municipality (the generator's town names split between them)."""
    election = await _post(client, "/elections/v1/elections", {"name": name, **_election_dates()})
    election_id = int(election["id"])
    await _post(
        client,
        f"/elections/v1/elections/{election_id}/contests",
        {
            "name": "比例代表選出議員選挙",
            "kind": "house_of_councillors_national",
            "seats": 50,
            "local_government_codes": codes[:2000],
        },
    )
    districts = await _gathered(
        [
            _post(
                client,
                f"/elections/v1/elections/{election_id}/counting-districts",
                {"name": f"{code}開票区", "local_government_code": code},
            )
            for code in codes
        ]
    )
    half = len(TOWNS) // 2
    await _gathered(
        [
            _post(
                client,
                f"/elections/v1/elections/{election_id}/polling-stations",
                {
                    "name": f"{district['local_government_code']}第{n + 1}投票所",
                    "counting_district_id": district["id"],
                    "address_areas": list(areas),
                },
            )
            for district in districts
            for n, areas in enumerate((TOWNS[:half], TOWNS[half:]))
        ]
    )
    return election_id


async def _build_roll(ctx: BenchContext, token: str, election_id: int) -> tuple[float, dict[str, Any]]:
    """The build through the gateway: `POST .../roll/builds` answers 202 at once and the build runs
    as a job, polled at its Location until it ends. Timed from the request to the build's own
    `finished_at` (the polling interval does not count). Its registry reads go through the gateway."""
    async with _client(ctx.platform.gateway_url, token) as client:
        response = await client.post(f"/elections/v1/elections/{election_id}/roll/builds", json={})
        if response.status_code != 202:
            raise RuntimeError(f"roll build: {response.status_code} {response.text[:500]}")
        location = response.headers["location"]
        build: dict[str, Any] = response.json()
        while build["state"] not in ("succeeded", "failed"):
            await asyncio.sleep(0.5)
            polled = await client.get(location)
            if polled.status_code != 200:
                raise RuntimeError(f"roll build poll: {polled.status_code} {polled.text[:500]}")
            build = polled.json()
    if build["state"] != "succeeded":
        raise RuntimeError(f"roll build failed: {build['problem']}")
    seconds = (
        datetime.fromisoformat(build["finished_at"]) - datetime.fromisoformat(build["requested_at"])
    ).total_seconds()
    return seconds, build


async def _stream_seconds(
    ctx: BenchContext, token: str, codes: list[str], resided_since: date
) -> tuple[float, int, int]:
    """The registry's bulk extract of the same municipalities, pages of 1,000, through the gateway,
    with the same `resided_since` and the same visibility (history, protected) as the roll build."""
    streamed = pages = 0
    async with _client(ctx.platform.gateway_url, token) as client:
        client.headers["X-Purpose"] = quote(PURPOSE, safe="")
        started = time.perf_counter()
        for code in codes:
            page_token: str | None = None
            while True:
                params: dict[str, str | int] = {
                    "local_government_code": code,
                    "resided_since": resided_since.isoformat(),
                    "page_size": 1000,
                }
                if page_token:
                    params["page_token"] = page_token
                response = await client.get("/registry/v1/residents", params=params)
                if response.status_code != 200:
                    raise RuntimeError(f"registry extract: {response.status_code} {response.text[:300]}")
                page = orjson.loads(response.content)
                streamed += len(page["items"])
                pages += 1
                page_token = page.get("next_page_token")
                if not page_token:
                    break
        return time.perf_counter() - started, streamed, pages


async def _prepared_roll(ctx: BenchContext, token: str, limit: int, name: str) -> tuple[Roll, float]:
    sizes = await _municipalities_by_size(ctx)
    codes = _largest(sizes, limit)
    async with _client(ctx.platform.gateway_url, token) as client:
        election_id = await _roll_election(client, codes, name)
    seconds, build = await _build_roll(ctx, token, election_id)
    roll = Roll(election_id, codes, int(build["residents_examined"]), int(build["voters"]))
    _ROLLS[ctx.work_dir] = roll
    return roll, seconds


async def elections_roll(ctx: BenchContext) -> None:
    source = await _residents_loaded(ctx)
    token = await _fresh_token(ctx)
    sizes = await _municipalities_by_size(ctx)
    in_registry = sum(count for _, count in sizes)
    roll, build_seconds = await _prepared_roll(ctx, token, ROLL_LIMIT, "ベンチマーク選挙 (名簿)")
    async with _client(ctx.platform.gateway_url, token) as client:
        election = (await client.get(f"/elections/v1/elections/{roll.election_id}")).json()
    resided_since = add_months(date.fromisoformat(election["reference_date"]), -4)
    stream_seconds, streamed, pages = await _stream_seconds(ctx, token, roll.municipalities, resided_since)
    if streamed != roll.residents_examined:
        raise RuntimeError(
            f"the build examined {roll.residents_examined} residents, the extract gave {streamed}"
        )
    subset = (
        f"the {len(roll.municipalities)} largest municipalities ({streamed:,} residents, BENCH_ROLL_LIMIT) "
        f"of {len(sizes)}"
        if len(roll.municipalities) < len(sizes)
        else f"all {len(sizes)} municipalities ({streamed:,} residents)"
    )
    ctx.record(
        "elections_roll",
        what=f"POST /elections/v1/elections/{{id}}/roll/builds through the gateway (202, an asynchronous "
        f"job polled until it ends; timed from the request to the job's finished_at; election-time "
        f"registration, 2 stations per municipality) over {subset}; registry of {in_registry:,} residents "
        f"from {source}. Baseline: the registry's bulk extract of the same municipalities (pages of "
        "1,000, resided_since, X-Purpose, history) through the gateway, one after another, same run",
        residents_examined=roll.residents_examined,
        voters=roll.voters,
        build_seconds=round(build_seconds, 1),
        registry_stream_seconds=round(stream_seconds, 1),
        registry_extract_pages=pages,
        registry_seconds_per_page=round(stream_seconds / pages, 3),
        build_residents_per_second=round(roll.residents_examined / build_seconds),
        stream_residents_per_second=round(streamed / stream_seconds),
        build_to_stream=round(build_seconds / stream_seconds, 3),
        target="build_to_stream < 2",
    )


# --- check-ins -------------------------------------------------------------------------------------

CHECKIN_LUA = """
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
local bodies = {{}}
for line in io.lines("{bodies}") do bodies[#bodies + 1] = line end
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) counter = 0; created = 0; conflicts = 0; other = 0 end
function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[((counter - 1) % #bodies) + 1])
end
function response(status, headers, body)
  if status == 201 then created = created + 1
  elseif status == 409 then conflicts = conflicts + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local c, k, o = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + t:get("created"); k = k + t:get("conflicts"); o = o + t:get("other")
  end
  io.write(string.format("CHECKINS created=%d conflicts=%d other=%d\\n", c, k, o))
end
"""


@dataclass(frozen=True)
class CheckInRun:
    load: LoadResult
    created: int
    conflicts: int
    other: int


async def _check_in_load(
    url: str, token: str, bodies: list[str], *, seconds: int, connections: int, threads: int
) -> CheckInRun:
    """wrk POSTing one body per request, in order, each thread walking the same list from its start
    (one thread: every request a different voter; two: two stations racing for the same voters)."""
    with tempfile.TemporaryDirectory() as folder:
        bodies_path = Path(folder) / "bodies"
        bodies_path.write_text("\n".join(bodies) + "\n")
        script = Path(folder) / "checkins.lua"
        script.write_text(CHECKIN_LUA.format(token=token, bodies=bodies_path))
        process = await asyncio.create_subprocess_exec(
            ensure_wrk(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
            "--timeout", "10s", "-s", str(script), url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await process.communicate()
    text = output.decode()
    counts = dict(part.split("=") for part in text.split("CHECKINS ", 1)[1].split()[:3])
    return CheckInRun(parse(text), int(counts["created"]), int(counts["conflicts"]), int(counts["other"]))


async def _voters(ctx: BenchContext, election_id: int) -> list[tuple[str, int]]:
    connection = await asyncpg.connect(ctx.asyncpg_dsn("elections"))
    try:
        rows = await connection.fetch(
            "SELECT resident_code, station_id FROM roll_entries "
            "WHERE election_id = $1 AND on_roll AND station_id IS NOT NULL ORDER BY md5(resident_code)",
            election_id,
        )
    finally:
        await connection.close()
    return [(row["resident_code"], int(row["station_id"])) for row in rows]


async def _registry_codes(ctx: BenchContext, count: int = 20_000) -> list[str]:
    connection = await asyncpg.connect(ctx.asyncpg_dsn("registry"))
    try:
        rows = await connection.fetch(
            "SELECT resident_code FROM residents ORDER BY md5(resident_code) LIMIT $1", count
        )
    finally:
        await connection.close()
    return [row["resident_code"] for row in rows]


async def _analysed(dsn: str, *tables: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"ANALYZE {', '.join(tables)}")
    finally:
        await connection.close()


async def _double_votes(ctx: BenchContext, election_id: int) -> tuple[int, int]:
    """(voters with more than one standing check-in, standing check-ins) in the elections database."""
    connection = await asyncpg.connect(ctx.asyncpg_dsn("elections"))
    try:
        doubles = await connection.fetchval(
            "SELECT count(*) FROM (SELECT resident_code FROM check_ins WHERE election_id = $1 "
            "AND undone_at IS NULL GROUP BY resident_code HAVING count(*) > 1) AS d",
            election_id,
        )
        standing = await connection.fetchval(
            "SELECT count(*) FROM check_ins WHERE election_id = $1 AND undone_at IS NULL", election_id
        )
    finally:
        await connection.close()
    return int(doubles), int(standing)


AUDIT_COUNTERS = (
    "jichi_elections_audit_heads_taken_total",
    "jichi_elections_audit_lane_waits_total",
    "jichi_elections_audit_lane_wait_seconds_total",
)


async def _audit_counters(ctx: BenchContext) -> dict[str, float]:
    """The elections service's audit-lane counters, from its /metrics (0 for one it does not have)."""
    async with httpx.AsyncClient(timeout=10) as http:
        text = (await http.get(ctx.platform.url("elections") + "/metrics")).text
    counters = dict.fromkeys(AUDIT_COUNTERS, 0.0)
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name in counters:
            counters[name] = float(value)
    return counters


def _per_thousand(before: dict[str, float], after: dict[str, float], name: str, requests: int) -> float:
    return round((after[name] - before[name]) * 1000 / max(1, requests), 2)


async def elections_checkins(ctx: BenchContext) -> None:
    await _residents_loaded(ctx)
    token = await _fresh_token(ctx)
    roll = _ROLLS.get(ctx.work_dir)
    if roll is None:
        roll, _ = await _prepared_roll(ctx, token, CHECKIN_ROLL_LIMIT, "ベンチマーク選挙 (投票受付)")
    voters = await _voters(ctx, roll.election_id)
    bodies = [
        json.dumps({"resident_code": code, "method": "early", "station_id": station})
        for code, station in voters
    ]
    third = len(bodies) // 3
    warm, measured, race = bodies[:third], bodies[third : 2 * third], bodies[2 * third :]
    url = f"{ctx.platform.gateway_url}/elections/v1/elections/{roll.election_id}/check-ins"

    # Both sides on analysed tables: the register after its import, the roll after its build.
    await settle_register(ctx.asyncpg_dsn("registry"))
    await _analysed(
        ctx.asyncpg_dsn("elections"), "roll_entries", "polling_stations", "check_ins", "audit_log"
    )
    codes = await _registry_codes(ctx)
    paths = [f"/registry/v1/residents/{code}" for code in codes]
    headers = {"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE}
    lookup_url = ctx.platform.gateway_url + paths[0]
    await load(lookup_url, seconds=2, connections=CONNECTIONS, headers=headers, paths=paths)
    lookups = await load(lookup_url, seconds=SECONDS, connections=CONNECTIONS, headers=headers, paths=paths)
    check_clean("registry lookups", lookups)

    await _check_in_load(url, token, warm, seconds=2, connections=CONNECTIONS, threads=1)
    counted = await _audit_counters(ctx)
    async with cpu_of(ctx.platform.processes["elections"].pid) as service_cpu:
        sustained = await _check_in_load(
            url, token, measured, seconds=SECONDS, connections=CONNECTIONS, threads=1
        )
    counters = await _audit_counters(ctx)
    check_clean("check-ins", sustained.load)
    if sustained.created < sustained.load.requests:
        raise RuntimeError(f"check-ins: only {sustained.created} of {sustained.load.requests} were created")
    racing = await _check_in_load(url, token, race, seconds=SECONDS, connections=CONNECTIONS, threads=2)
    if racing.other or racing.load.errors > racing.load.requests / 1000:
        raise RuntimeError(f"racing check-ins: unexpected answers {racing}")
    doubles, standing = await _double_votes(ctx, roll.election_id)
    if doubles:
        raise RuntimeError(f"{doubles} voters have more than one standing check-in")
    rate = sustained.load.requests_per_second
    ctx.record(
        "elections_checkins",
        what=f"POST /elections/v1/elections/{{id}}/check-ins (early voting) through the gateway, every "
        f"request a different voter of a roll of {roll.voters:,}, {CONNECTIONS} connections, {SECONDS} s; "
        f"then two wrk threads walking the same voters in the same order (two stations racing); the "
        "elections service's CPU (/proc) and audit-lane counters (/metrics) over the sustained run; "
        "baseline: GET /registry/v1/residents/{code} through the gateway (X-Purpose, random residents), "
        "same run; the register vacuumed and analysed, the roll analysed, before either is measured",
        checkins_per_second=round(rate),
        checkin_p50_ms=sustained.load.p50_ms,
        checkin_p99_ms=sustained.load.p99_ms,
        checkin_service_cpu_us_per_request=service_cpu.per_request_us(sustained.load.requests),
        audit_heads_taken_per_1000=_per_thousand(counted, counters, AUDIT_COUNTERS[0], sustained.created),
        audit_lane_waits_per_1000=_per_thousand(counted, counters, AUDIT_COUNTERS[1], sustained.created),
        audit_lane_wait_mean_ms=_per_thousand(counted, counters, AUDIT_COUNTERS[2], sustained.created),
        registry_lookup_rps=round(lookups.requests_per_second),
        checkins_to_registry_lookup=round(rate / lookups.requests_per_second, 3),
        race_attempts=racing.created + racing.conflicts,
        race_checked_in=racing.created,
        race_refused_already_voted=racing.conflicts,
        standing_check_ins=standing,
        double_votes=doubles,
        target="double_votes == 0, checkins_to_registry_lookup >= 0.5 and checkin_p99_ms < 100",
    )


# --- one GET of an election ---------------------------------------------------------------------

ELECTION_SQL = (
    "SELECT id, name, announcement_date, polling_day, reference_date, version, created_at "
    "FROM elections WHERE id = $1::text::integer"
)
GET_ROUNDS = 3


async def elections_get_election(ctx: BenchContext) -> None:
    """A database-backed GET of one election with a bearer token, directly at the service, against
    the bare endpoint over the same database and SQL; interleaved rounds, the median ratio."""
    async with _client(ctx.platform.gateway_url, ctx.token) as client:
        election = await _post(
            client, "/elections/v1/elections", {"name": "ベンチマーク選挙 (参照)", **_election_dates()}
        )
    await _analysed(ctx.asyncpg_dsn("elections"), "elections")
    path = f"/elections/v1/elections/{election['id']}"
    direct_url = ctx.platform.url("elections") + path
    headers = {"Authorization": f"Bearer {ctx.token}"}
    async with ctx.baseline("elections", ELECTION_SQL) as baseline_url:
        rounds = await interleaved(
            GET_ROUNDS,
            seconds=SECONDS,
            connections=CONNECTIONS,
            baseline={"url": f"{baseline_url}/{election['id']}"},
            measured={"url": direct_url, "headers": headers},
        )
    median = rounds.median
    ctx.record(
        "elections_get_election",
        what=f"GET /elections/v1/elections/{{id}} directly at the service with a bearer token, {CONNECTIONS} "
        f"connections, {SECONDS} s; baseline: a bare ASGI endpoint (uvicorn, asyncpg pool) running the "
        f"same single-row SELECT; {GET_ROUNDS} interleaved rounds, the figures of the median round",
        baseline_rps=round(rounds.baselines[median].requests_per_second),
        direct_rps=round(rounds.measured[median].requests_per_second),
        direct_p99_ms=rounds.measured[median].p99_ms,
        direct_to_baseline=round(rounds.ratios[median], 3),
        **rounds.machine_of_round(median),
        rounds={"direct_to_baseline": [round(ratio, 3) for ratio in rounds.ratios]},
        target="direct_to_baseline >= 0.4",
    )


# --- results at national scale --------------------------------------------------------------------


def _prefecture_codes() -> list[str]:
    with SEED_CSV.open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle) if row["kind"] == "prefecture"]


@dataclass(frozen=True)
class ResultsContest:
    contest_id: int
    stations: int
    ballots_issued: int


async def _national_contest(
    client: httpx.AsyncClient, stations: int
) -> tuple[int, int, list[int], list[int]]:
    """Election, contest over the 47 prefectures, parties and 20 candidates, through the API."""
    election = await _post(
        client,
        "/elections/v1/elections",
        {"name": f"ベンチマーク選挙 ({stations}投票所)", **_election_dates()},
    )
    election_id = int(election["id"])
    contest = await _post(
        client,
        f"/elections/v1/elections/{election_id}/contests",
        {
            "name": "比例代表選出議員選挙",
            "kind": "house_of_councillors_national",
            "seats": 10,
            "local_government_codes": _prefecture_codes(),
        },
    )
    party_ids = [
        int(
            (await _post(client, f"/elections/v1/elections/{election_id}/parties", {"name": f"党{n + 1}"}))[
                "id"
            ]
        )
        for n in range(PARTIES)
    ]
    candidate_ids = []
    for n in range(CANDIDATES):
        candidate = await _post(
            client,
            f"/elections/v1/contests/{contest['id']}/candidates",
            {
                "name": f"候補 {n + 1}",
                "kana": "コウホ " + "ア" * (n + 1),
                "birth_date": "1970-01-01",
                "deposit_yen": 6_000_000,
                "party_id": party_ids[n % PARTIES],
            },
        )
        candidate_ids.append(int(candidate["id"]))
    return election_id, int(contest["id"]), party_ids, candidate_ids


async def _load_tallies(
    connection: asyncpg.Connection,
    *,
    election_id: int,
    contest_id: int,
    stations: int,
    party_ids: list[int],
    candidate_ids: list[int],
    seed: int,
) -> int:
    """Counting districts (every municipality), stations, and per station a counted sheet with both
    clerks' identical entries and its agreed counts, as the tally service stores them. Returns the
    ballots issued in all."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    codes = municipalities()[0][:stations]  # every district has a station (all but tiny trial runs)
    await connection.copy_records_to_table(
        "counting_districts",
        records=[(election_id, f"{code}開票区", code) for code in codes],
        columns=["election_id", "name", "local_government_code"],
    )
    districts = await connection.fetch(
        "SELECT id, local_government_code FROM counting_districts WHERE election_id = $1 ORDER BY id",
        election_id,
    )
    await connection.copy_records_to_table(
        "polling_stations",
        records=[
            (
                election_id,
                districts[n % len(districts)]["id"],
                f"第{n + 1}投票所",
                districts[n % len(districts)]["local_government_code"],
                json.dumps([f"{TOWNS[n % len(TOWNS)]}{n + 1}"], ensure_ascii=False),
            )
            for n in range(stations)
        ],
        columns=["election_id", "counting_district_id", "name", "local_government_code", "address_areas"],
    )
    station_rows = await connection.fetch(
        "SELECT id, counting_district_id FROM polling_stations WHERE election_id = $1 ORDER BY id",
        election_id,
    )
    selections = [f"candidate:{c}" for c in candidate_ids] + [f"party:{p}" for p in party_ids]
    ambiguous = f"ambiguous:{candidate_ids[0]},{candidate_ids[1]}"
    sheets, contents, all_counts = [], [], []
    issued_total = 0
    for station in station_rows:
        votes = {s: rng.randint(1, 300) for s in selections[:CANDIDATES]} | {
            s: rng.randint(100, 1500) for s in selections[CANDIDATES:]
        }
        ambiguous_ballots = rng.randint(0, 5)
        invalid = rng.randint(0, 30)
        unreturned = rng.randint(0, 3)
        valid = sum(votes.values()) + ambiguous_ballots
        issued = valid + invalid + unreturned
        issued_total += issued
        ballots = {
            "ballots_issued": issued,
            "invalid_ballots": invalid,
            "blank_ballots": rng.randint(0, invalid),
            "unreturned_ballots": unreturned,
        }
        sheets.append(
            (
                contest_id, station["counting_district_id"], station["id"], f"station:{station['id']}",
                "counted", "[]", "[]", *ballots.values(), Decimal(valid).quantize(Decimal("0.001")), now, now,
            )
        )  # fmt: skip
        content: dict[str, Any] = {f"votes.{s}": f"{v}.000" for s, v in votes.items()}
        if ambiguous_ballots:
            content[ambiguous.replace(":", ".", 1)] = ambiguous_ballots
        contents.append(json.dumps(content | ballots))
        counts = {s: Decimal(v) for s, v in votes.items()}
        if ambiguous_ballots:
            counts[ambiguous] = Decimal(ambiguous_ballots)
        all_counts.append(counts)
    await connection.copy_records_to_table(
        "tally_sheets",
        records=sheets,
        columns=[
            "contest_id", "counting_district_id", "station_id", "unit_key", "status", "differences",
            "problems", "ballots_issued", "invalid_ballots", "blank_ballots", "unreturned_ballots",
            "valid_votes", "counted_at", "created_at",
        ],
    )  # fmt: skip
    sheet_ids = {
        row["station_id"]: row["id"]
        for row in await connection.fetch(
            "SELECT id, station_id FROM tally_sheets WHERE contest_id = $1", contest_id
        )
    }
    await connection.copy_records_to_table(
        "tally_entries",
        records=[
            (sheet_ids[station["id"]], clerk, content, now)
            for station, content in zip(station_rows, contents, strict=True)
            for clerk in ("bench-clerk-1", "bench-clerk-2")
        ],
        columns=["sheet_id", "clerk_id", "content", "entered_at"],
    )
    await connection.copy_records_to_table(
        "tally_counts",
        records=[
            (sheet_ids[station["id"]], selection, votes)
            for station, counts in zip(station_rows, all_counts, strict=True)
            for selection, votes in counts.items()
        ],
        columns=["sheet_id", "selection", "votes"],
    )
    return issued_total


BARE_RESULTS_SQL = (
    "SELECT s.counting_district_id, c.selection, sum(c.votes) FROM tally_counts c "
    "JOIN tally_sheets s ON s.id = c.sheet_id WHERE s.contest_id = $1 AND s.status = 'counted' "
    "GROUP BY s.counting_district_id, c.selection"
)


async def _timed_results(client: httpx.AsyncClient, contest: ResultsContest) -> float:
    started = time.perf_counter()
    response = await client.get(f"/elections/v1/contests/{contest.contest_id}/results")
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"results: {response.status_code} {response.text[:300]}")
    result = response.json()
    complete = result["counting_districts_reported"] == result["counting_districts_total"]
    if (
        result["status"] != "unofficial-complete"
        or not complete
        or result["ballots_issued"] != contest.ballots_issued
    ):
        raise RuntimeError(
            f"results of {contest.stations} stations: {result['status']}, "
            f"{result['counting_districts_reported']}/{result['counting_districts_total']} districts, "
            f"{result['ballots_issued']} ballots issued, {contest.ballots_issued} loaded"
        )
    return seconds


async def _timed_bare(connection: asyncpg.Connection, contest: ResultsContest) -> float:
    started = time.perf_counter()
    await connection.fetch(BARE_RESULTS_SQL, contest.contest_id)
    return time.perf_counter() - started


async def elections_results_linearity(ctx: BenchContext) -> None:
    token = await _fresh_token(ctx)
    sizes = (RESULTS_STATIONS // 10, RESULTS_STATIONS)
    contests = []
    connection = await asyncpg.connect(ctx.asyncpg_dsn("elections"))
    try:
        async with _client(ctx.platform.gateway_url, token) as client:
            for seed, stations in enumerate(sizes):
                election_id, contest_id, party_ids, candidate_ids = await _national_contest(client, stations)
                issued = await _load_tallies(
                    connection,
                    election_id=election_id,
                    contest_id=contest_id,
                    stations=stations,
                    party_ids=party_ids,
                    candidate_ids=candidate_ids,
                    seed=seed,
                )
                contests.append(ResultsContest(contest_id, stations, issued))
            await connection.execute(
                "ANALYZE counting_districts, polling_stations, tally_sheets, tally_entries, tally_counts"
            )
            service: dict[int, list[float]] = {c.stations: [] for c in contests}
            bare: dict[int, list[float]] = {c.stations: [] for c in contests}
            for contest in contests:  # warm-up: caches, the first query plans
                await _timed_results(client, contest)
                await _timed_bare(connection, contest)
            for _ in range(RESULTS_ROUNDS):
                for contest in contests:
                    service[contest.stations].append(await _timed_results(client, contest))
                    bare[contest.stations].append(await _timed_bare(connection, contest))
    finally:
        await connection.close()
    small, large = sizes
    best = {n: min(times) for n, times in service.items()}
    best_bare = {n: min(times) for n, times in bare.items()}
    ctx.record(
        "elections_results_linearity",
        what=f"GET /elections/v1/contests/{{id}}/results through the gateway, House of Councillors national "
        f"block, {CANDIDATES} candidates in {PARTIES} parties, a counting district per municipality "
        "(no more districts than stations), "
        f"{small:,} and {large:,} stations with counted sheets (COPY-loaded, 2 agreeing entries each), "
        f"after ANALYZE, best of {RESULTS_ROUNDS}; bare: the same aggregation in one asyncpg query",
        small_stations=small,
        large_stations=large,
        small_ms=round(best[small] * 1000, 1),
        large_ms=round(best[large] * 1000, 1),
        small_median_ms=round(statistics.median(service[small]) * 1000, 1),
        large_median_ms=round(statistics.median(service[large]) * 1000, 1),
        bare_small_ms=round(best_bare[small] * 1000, 1),
        bare_large_ms=round(best_bare[large] * 1000, 1),
        large_to_small=round(best[large] / best[small], 2),
        bare_large_to_small=round(best_bare[large] / best_bare[small], 2),
        target="large_to_small < 12",
    )
