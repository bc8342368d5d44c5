"""Revitalization calls for applications (issue 18): the public call search with its facets through
the gateway, a mix of filtered first pages, and the first page against a page deep in the deadline order.

Data: BENCH_CALLS calls (default 10,000) issued by the 47 prefectures and the code master's
municipalities for the seed programmes of fiscal year 2024, windows spread from half a year ago to a
quarter ahead (so forecast, open and closed calls; one in twenty archived after closing), and
BENCH_CALL_APPLICATIONS applications (default 100,000) received inside their calls' windows and not yet
decided (a decision needs scores, which this scenario does not measure). Bulk-loaded with asyncpg
`copy_records_to_table`, then ANALYZE. The search is public: one request is sent without a token; the
load carries the bench token, since the gateway limits anonymous callers to a few requests per second
per address, and a token changes nothing in what the search returns.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import asyncpg
import httpx

from services.revitalization.local_governments import local_governments
from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.cpu import cpu_of
from tests.bench.revitalization import _run
from tests.bench.wrk import load

CALLS = int(os.environ.get("BENCH_CALLS", "10000"))
CALL_APPLICATIONS = int(os.environ.get("BENCH_CALL_APPLICATIONS", "100000"))
API = "/revitalization/v1"
PROGRAMMES = ("cooperators", "entrepreneurs", "local10000", "community-cooperatives", "digital-staff")
FISCAL_YEAR = 2024
SEED = 18
PAGE = 50
RUBRIC = {
    "criteria": [
        {"key": "feasibility", "name": "実現可能性", "weight": 3, "max_score": 5},
        {"key": "impact", "name": "地域への効果", "weight": 2, "max_score": 5},
    ]
}
CALL_COLUMNS = [
    "id",
    "programme_code",
    "fiscal_year",
    "issuer_code",
    "prefecture",
    "owner_client_id",
    "title",
    "eligibility_summary",
    "budget_ceiling",
    "awarded_total",
    "opens_at",
    "closes_at",
    "archived_at",
    "rubric",
    "version",
    "created_at",
    "updated_at",
]
APPLICATION_COLUMNS = [
    "id",
    "call_id",
    "client_id",
    "applicant_name",
    "organization_id",
    "municipality_code",
    "title",
    "summary",
    "requested_amount",
    "status",
    "decision",
    "submitted_at",
    "version",
]
BASELINE_SQL = (
    "SELECT json_agg(c ORDER BY c.closes_at, c.id) AS items FROM (SELECT * FROM calls "
    "WHERE archived_at IS NULL AND (closes_at, id) > "
    "(SELECT closes_at, id FROM calls WHERE id = $1::text::bigint "
    "UNION ALL SELECT '-infinity'::timestamptz, 0 LIMIT 1) ORDER BY closes_at, id LIMIT 51) c"
)


def _issuers() -> list[str]:
    governments = local_governments().values()
    prefectures = [g.code for g in governments if g.kind == "prefecture"]
    municipalities = [g.code for g in governments if g.kind == "municipality"]
    return prefectures * 10 + municipalities  # prefectures issue more calls each


def _generate(owner: str, now: datetime) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rng = random.Random(SEED)
    issuers = _issuers()
    calls: list[tuple[Any, ...]] = []
    windows: list[tuple[datetime, datetime, str]] = []
    rubric = json.dumps(RUBRIC, ensure_ascii=False)
    for number in range(1, CALLS + 1):
        issuer = rng.choice(issuers)
        opens = (now + timedelta(days=rng.uniform(-180, 90))).replace(microsecond=0)
        closes = opens + timedelta(days=rng.randint(14, 60))
        archived = (
            closes + timedelta(days=30) if closes + timedelta(days=30) < now and rng.random() < 0.05 else None
        )
        created = opens - timedelta(days=14)
        programme = rng.choice(PROGRAMMES)
        calls.append(
            (
                number,
                programme,
                FISCAL_YEAR,
                issuer,
                issuer[:2],
                owner,
                f"令和6年度 {programme} 公募 第{number}号",
                "県内で地域資源を活かした事業を行う団体。詳細は募集要項を参照してください。",
                rng.choice((5, 10, 25, 50)) * 1_000_000,
                0,
                opens,
                closes,
                archived,
                rubric,
                2 if archived else 1,
                created,
                archived or created,
            )
        )
        windows.append((opens, min(closes, now), issuer))
    applications: list[tuple[Any, ...]] = []
    open_enough = [index for index, (opens, last, _) in enumerate(windows) if opens < last]
    for number in range(1, CALL_APPLICATIONS + 1):
        index = rng.choice(open_enough)
        opens, last, issuer = windows[index]
        submitted = opens + (last - opens) * rng.random()
        applications.append(
            (
                number,
                index + 1,
                f"applicant-{number % 997}",
                f"地域づくり団体 {number}",
                None,
                issuer if issuer[2:5] != "000" else "032018",
                f"地域資源活用事業 {number}",
                "地域の資源を活かした事業の概要です。",
                rng.randint(1, 20) * 500_000,
                "received",
                None,
                submitted,
                1,
            )
        )
    return calls, applications


async def _load_data(ctx: BenchContext, owner: str) -> tuple[int, int]:
    now = datetime.now(UTC)
    calls, applications = _generate(owner, now)
    connection = await asyncpg.connect(ctx.asyncpg_dsn("revitalization"))
    try:
        await connection.copy_records_to_table("calls", records=calls, columns=CALL_COLUMNS)
        await connection.copy_records_to_table(
            "call_applications", records=applications, columns=APPLICATION_COLUMNS
        )
        for table in ("calls", "call_applications"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        await connection.execute("ANALYZE calls, call_applications")
    finally:
        await connection.close()
    return len(calls), len(applications)


def _queries(now: datetime) -> list[dict[str, Any]]:
    soon = (now + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    today = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        {},
        {"status": "open"},
        {"status": "forecast"},
        {"prefecture": "03"},
        {"prefecture": "13", "status": "open"},
        {"programme_code": "local10000", "status": "open"},
        {"programme_code": "cooperators", "fiscal_year": FISCAL_YEAR},
        {"closes_from": today, "closes_to": soon},
        {"status": "closed", "prefecture": "01"},
        {"status": "archived"},
    ]


async def _first_pages(client: httpx.AsyncClient, query: dict[str, Any], pages: int) -> list[str]:
    paths = []
    token: str | None = None
    for _ in range(pages):
        params = {**query, **({"page_token": token} if token else {})}
        paths.append(f"{API}/calls?{urlencode(params)}")
        response = await client.get(f"{API}/calls", params=params)
        response.raise_for_status()
        token = response.json().get("next_page_token")
        if not token:
            break
    return paths


async def _deep_page(client: httpx.AsyncClient) -> tuple[str, int, int]:
    """The last full page of 50 of the default search: its path, the rows before it, the id before it."""
    token: str | None = None
    rows = 0
    last_id = 0
    found: tuple[str, int, int] = (f"{API}/calls?page_size={PAGE}", 0, 0)
    while True:
        params: dict[str, Any] = {"page_size": 500, **({"page_token": token} if token else {})}
        response = await client.get(f"{API}/calls", params=params)
        response.raise_for_status()
        body = response.json()
        if token and len(body["items"]) >= PAGE:
            found = (f"{API}/calls?{urlencode({'page_size': PAGE, 'page_token': token})}", rows, last_id)
        rows += len(body["items"])
        if body["items"]:
            last_id = body["items"][-1]["id"]
        token = body.get("next_page_token")
        if not token:
            return found


async def revitalization_calls_search(ctx: BenchContext) -> None:
    """The public call search through the gateway: a mix of facets, then the first page and a deep one."""
    started = time.perf_counter()
    gateway = ctx.platform.gateway_url
    headers = {"Authorization": f"Bearer {ctx.token}"}
    async with httpx.AsyncClient(base_url=gateway, timeout=300.0) as client:
        caller = await client.get(f"{API}/caller", headers=headers)
        caller.raise_for_status()
        stored_calls, stored_applications = await _load_data(ctx, caller.json()["client_id"])
        load_seconds = time.perf_counter() - started
        anonymous = await client.get(f"{API}/calls", params={"status": "open"})
        anonymous.raise_for_status()
        client.headers.update(headers)
        paths: list[str] = []
        for query in _queries(datetime.now(UTC)):
            paths += await _first_pages(client, query, pages=3)
        deep, rows_before, deep_after = await _deep_page(client)
    first = f"{API}/calls?page_size={PAGE}"
    await load(gateway + paths[0], seconds=2, connections=CONNECTIONS, headers=headers, paths=paths)
    mix = await _run(gateway + paths[0], "calls search mix", headers=headers, paths=paths)
    service_pid = ctx.platform.processes["revitalization"].pid
    async with cpu_of(service_pid) as first_cpu:
        first_page = await _run(gateway + first, "calls first page", headers=headers)
    async with cpu_of(service_pid) as deep_cpu:
        deep_page = await _run(gateway + deep, "calls deep page", headers=headers)
    async with ctx.baseline("revitalization", BASELINE_SQL) as baseline_url:
        await load(baseline_url + "/0", seconds=2, connections=CONNECTIONS)
        baseline_first = await _run(baseline_url + "/0", "calls baseline first")
        baseline_deep = await _run(f"{baseline_url}/{deep_after}", "calls baseline deep")
    ctx.record(
        "revitalization_calls_search",
        what=f"GET {API}/calls (public search) through the gateway, {stored_calls:,} calls and "
        f"{stored_applications:,} applications: a random mix of {len(paths)} pages (up to 3 pages of "
        f"{len(_queries(datetime.now(UTC)))} facet combinations: programme, prefecture, fiscal year, "
        f"status, closing between), then the first page of 50 and a page {rows_before:,} rows deep alone "
        "(service_cpu: the revitalization process's CPU per request meanwhile); "
        "baseline: a bare asyncpg endpoint returning the same keyset page as JSON; "
        f"{CONNECTIONS} connections, {SECONDS} s each",
        load_seconds=round(load_seconds, 1),
        mix_rps=round(mix.requests_per_second),
        mix_p50_ms=mix.p50_ms,
        mix_p99_ms=mix.p99_ms,
        first_page_rps=round(first_page.requests_per_second),
        first_page_p99_ms=first_page.p99_ms,
        first_page_service_cpu_us_per_request=first_cpu.per_request_us(first_page.requests),
        deep_page_rps=round(deep_page.requests_per_second),
        deep_page_p99_ms=deep_page.p99_ms,
        deep_page_service_cpu_us_per_request=deep_cpu.per_request_us(deep_page.requests),
        baseline_first_rps=round(baseline_first.requests_per_second),
        baseline_deep_rps=round(baseline_deep.requests_per_second),
        first_page_to_baseline=round(first_page.requests_per_second / baseline_first.requests_per_second, 3),
        deep_to_first_p99=round(deep_page.p99_ms / first_page.p99_ms, 3),
        deep_to_first_rps=round(deep_page.requests_per_second / first_page.requests_per_second, 3),
        target="first_page_p99_ms < 100 at 50 connections; keyset pagination: deep_to_first_p99 near 1",
    )
