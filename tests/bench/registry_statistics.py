"""Registry statistics: the whole country's population table on a date through the gateway, against
the bare SQL aggregate that counts the same people.

The register is the one `registry_import` loads (BENCH_RESIDENTS synthetic residents), vacuumed and
analysed. The baseline is what PostgreSQL alone needs for the same answer: the two aggregates (people
by municipality, sex and 5-year age band on the date; distinct households by municipality) over the
same believed states, written by hand with `age()`, fetched with asyncpg. The endpoint adds the
request, the code list, suppression, totals and the JSON.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

import asyncpg
import httpx

from tests.bench.context import BenchContext
from tests.bench.registry import RESIDENTS, lookup_requests

ROUNDS = 5
STATES = """
    SELECT local_government_code, sex, date_of_birth, household_id FROM residents
     WHERE valid_from <= $1 AND status = 'active'
    UNION ALL
    SELECT local_government_code, sex, date_of_birth, household_id FROM resident_versions
     WHERE superseded_at IS NULL AND valid_from <= $1 AND valid_to > $1 AND status = 'active'
"""
PEOPLE_SQL = f"""
    SELECT local_government_code, sex,
           least(extract(year FROM age($1, date_of_birth))::int / 5, 20) AS band, count(*)
      FROM ({STATES}) AS states
     GROUP BY 1, 2, 3
"""
HOUSEHOLDS_SQL = f"""
    SELECT local_government_code, count(DISTINCT household_id) FROM ({STATES}) AS states GROUP BY 1
"""


async def _bare_seconds(dsn: str, on: date) -> tuple[float, int]:
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        people = await connection.fetch(PEOPLE_SQL, on)
        await connection.fetch(HOUSEHOLDS_SQL, on)
        return time.perf_counter() - started, sum(row["count"] for row in people)
    finally:
        await connection.close()


async def registry_statistics(ctx: BenchContext) -> None:
    _codes, _paths, headers = await lookup_requests(ctx)
    on = date.today()
    url = ctx.platform.gateway_url + "/registry/v1/statistics/population"
    dsn = ctx.asyncpg_dsn("registry")
    bare: list[float] = []
    served: list[float] = []
    sizes: list[int] = []
    people = 0
    async with httpx.AsyncClient(timeout=600) as client:
        # Warm both once (plans, caches), then interleave: the shared cores' speed drifts.
        await _bare_seconds(dsn, on)
        (await client.get(url, params={"as_of": on.isoformat()}, headers=headers)).raise_for_status()
        for _round in range(ROUNDS):
            seconds, people = await _bare_seconds(dsn, on)
            bare.append(seconds)
            started = time.perf_counter()
            response = await client.get(url, params={"as_of": on.isoformat()}, headers=headers)
            served.append(time.perf_counter() - started)
            response.raise_for_status()
            sizes.append(len(response.content))
            body = response.json()
    published = body["total"]["population"]
    ratios = [b / s for b, s in zip(bare, served, strict=True)]
    ctx.record(
        "registry_statistics",
        what=f"GET /registry/v1/statistics/population?as_of=<today> through the gateway (the whole "
        f"country: {len(body['municipalities'])} municipalities of {RESIDENTS} residents), one request at "
        "a time; baseline: the bare SQL aggregates of the same people (by code, sex, age band via age(); "
        f"distinct households by code) fetched with asyncpg; {ROUNDS} interleaved rounds, medians",
        people_counted=people,
        published_population=published["value"],
        suppressed_cells=published["suppressed_cells"],
        response_bytes=sizes[-1],
        bare_sql_seconds=round(statistics.median(bare), 3),
        endpoint_seconds=round(statistics.median(served), 3),
        endpoint_to_bare_sql=round(statistics.median(ratios), 3),
        rounds={
            "bare_sql_seconds": [round(s, 3) for s in bare],
            "endpoint_seconds": [round(s, 3) for s in served],
        },
        target="endpoint_to_bare_sql >= 0.50",
    )
