"""Revitalization scenarios (issues 6 and 15): application listings with keyset pagination, concurrent
approvals against one budget, one programme read against a bare endpoint doing the same SQL, and the
allocation-tax computation against a bare SQL aggregate.

Data: BENCH_APPLICATIONS synthetic applications (default 100,000) with their whole audit trail, spread
over the seed programmes, fiscal years 2023-2025 (2023 and 2025 are added through the API as copies of
the catalogue's 2024 rules), the code master's 1,704 ordinary municipalities and every application
state. They are bulk-loaded with asyncpg `copy_records_to_table` straight into the service's tables,
because a hundred thousand applications walked through the API's five to seven calls each would take
most of an hour; the rows follow the service's own rules (each transition as the service records it,
versions counting the updates, eligibility reports on reviewed applications, approved amounts within
the caps, budgets whose commitments are the approved amounts; `active` and `completed` only for
programmes whose activation creates no placement). Spending lines are derived from the awards
(BENCH_SPENDING_LINES_PER_CATEGORY, default up to 4 per person and category, plus digital-skill staff
lines of every prefecture), then ANALYZE. The approvals scenario prepares its applications through
the API itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp
import asyncpg
import httpx

from services.revitalization.local_governments import local_governments
from shared.values import resident_code_check_digit, to_rfc3339
from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.cpu import cpu_of
from tests.bench.wrk import LoadResult, check_clean, interleaved, load

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "100000"))
LINES_PER_CATEGORY = int(os.environ.get("BENCH_SPENDING_LINES_PER_CATEGORY", "4"))
APPROVAL_REQUESTS = int(os.environ.get("BENCH_APPROVAL_REQUESTS", "100"))
APPROVAL_SLOTS = int(os.environ.get("BENCH_APPROVAL_SLOTS", "40"))
APPROVAL_ROUNDS = int(os.environ.get("BENCH_APPROVAL_ROUNDS", "3"))
ALLOCATION_ROUNDS = int(os.environ.get("BENCH_ALLOCATION_ROUNDS", "3"))

API = "/revitalization/v1"
FISCAL_YEARS = (2023, 2024, 2025)
MEASURED_YEAR = 2024
SEED_YEAR = 2024
PROGRAMMES = ("cooperators", "entrepreneurs", "local10000", "community-cooperatives", "digital-staff")
APPLIED = {"cooperators": 40, "entrepreneurs": 15, "local10000": 20, "community-cooperatives": 25}
CAPS = {
    "cooperators": 5_500_000,
    "entrepreneurs": 5_600_000,
    "local10000": 25_000_000,
    "community-cooperatives": 4_000_000,
}
ALLOCATION_CATEGORIES = {
    "cooperators": ("remuneration", "activity"),
    "entrepreneurs": ("secondment_costs",),
    "community-cooperatives": ("dispatch_worker_costs",),
}
# The application's path through the state machine, with how often it ends there.
PATHS: dict[str, tuple[tuple[str, ...], int]] = {
    "draft": (("create",), 10),
    "submitted": (("create", "submit"), 12),
    "under_review": (("create", "submit", "start_review", "check_eligibility"), 15),
    "returned": (("create", "submit", "start_review", "return"), 5),
    "rejected": (("create", "submit", "start_review", "check_eligibility", "reject"), 8),
    "withdrawn": (("create", "submit", "withdraw"), 5),
    "approved": (("create", "submit", "start_review", "check_eligibility", "approve"), 20),
    "active": (("create", "submit", "start_review", "check_eligibility", "approve", "activate"), 15),
    "completed": (
        ("create", "submit", "start_review", "check_eligibility", "approve", "activate", "complete"),
        10,
    ),
}
TARGET = {
    "submit": "submitted",
    "start_review": "under_review",
    "return": "returned",
    "reject": "rejected",
    "withdraw": "withdrawn",
    "approve": "approved",
    "activate": "active",
    "complete": "completed",
}
REASONS = {"return": "書類の補正をお願いします", "reject": "対象経費に該当しません", "withdraw": None}
AWARDED = ("approved", "active", "completed")
RESERVED_MUNICIPALITIES = 10  # kept out of the bulk data for the approval races


# ---------------------------------------------------------------- data


@dataclass
class Loaded:
    client_id: str
    municipalities: list[str]
    reserved: list[str]
    applications: int = 0
    transitions: int = 0
    spending_lines: int = 0
    load_seconds: float = 0.0
    busiest_municipality: str = ""
    counts: Counter[str] = field(default_factory=Counter)


_LOADED: dict[int, Loaded] = {}


def _codes() -> tuple[list[str], list[str]]:
    governments = local_governments().values()
    return (
        [g.code for g in governments if g.kind == "municipality"],
        [g.code for g in governments if g.kind == "prefecture"],
    )


def _resident_code(rng: random.Random) -> str:
    first_ten = f"{rng.randrange(10**10):010d}"
    return first_ten + str(resident_code_check_digit(first_ten))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _applicant(programme: str, rng: random.Random, number: int) -> dict[str, Any]:
    if programme in ("cooperators", "entrepreneurs"):
        return {
            "kind": "person",
            "name": f"応募者 {number}",
            "resident_code": _resident_code(rng),
            "former_cooperator": programme == "cooperators" and rng.random() < 0.05,
        }
    return {
        "kind": "organisation",
        "name": f"合同会社まちづくり{number}",
        "resident_code": None,
        "former_cooperator": False,
    }


def _details(programme: str, fiscal_year: int, requested: int, rng: random.Random) -> dict[str, Any]:
    details: dict[str, Any] = {
        "appointment_start_date": None,
        "term_end_date": None,
        "loan_amount": None,
        "lending_bank": None,
        "company_name": None,
    }
    if programme in ("cooperators", "entrepreneurs"):
        start = date(fiscal_year, 4, 1) + timedelta(days=rng.randrange(300))
        months = rng.randrange(12 if programme == "cooperators" else 6, 37)
        end = date(start.year + (start.month - 1 + months) // 12, (start.month - 1 + months) % 12 + 1, 1)
        details["appointment_start_date"] = start.isoformat()
        details["term_end_date"] = (end - timedelta(days=1)).isoformat()
        if programme == "entrepreneurs":
            details["company_name"] = f"株式会社都市{rng.randrange(1000)}"
    elif programme == "local10000":
        details["loan_amount"] = requested * rng.choice((1, 1, 2))
        details["lending_bank"] = "地域第一銀行"
    return details


def _eligibility(programme: str, requested: int, eligible: bool, at: datetime) -> dict[str, Any]:
    cap = CAPS[programme]
    findings = [
        {
            "code": "amount-within-cap" if eligible else "amount-above-cap",
            "passed": eligible,
            "detail": f"¥{requested:,} against the cap ¥{cap:,}.",
        }
    ]
    return {
        "eligible": eligible,
        "findings": findings,
        "amounts": {"grant_cap": cap},
        "checked_at": to_rfc3339(at),
    }


async def _add_fiscal_years(client: httpx.AsyncClient) -> None:
    """Fiscal years 2023 and 2025 through the API, as copies of the catalogue's 2024 rules."""
    for code in PROGRAMMES:
        response = await client.get(f"{API}/programmes/{code}/fiscal-years/{SEED_YEAR}")
        response.raise_for_status()
        rules = response.json()["rules"]
        for year in FISCAL_YEARS:
            if year == SEED_YEAR:
                continue
            put = await client.put(f"{API}/programmes/{code}/fiscal-years/{year}", json=rules)
            if put.status_code not in (200, 201):
                raise RuntimeError(f"PUT rules {code} {year}: {put.status_code} {put.text}")


def _generate(
    count: int, client_id: str, municipalities: Sequence[str], prefectures: Sequence[str]
) -> tuple[
    list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]], Counter[str]
]:
    """Rows of applications, transitions, budgets and spending lines, in the service's own shapes."""
    rng = random.Random(6)
    programmes = list(APPLIED)
    weights = list(APPLIED.values())
    states = list(PATHS)
    state_weights = [weight for _, weight in PATHS.values()]
    applications: list[tuple[Any, ...]] = []
    transitions: list[tuple[Any, ...]] = []
    committed: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    lines: list[tuple[Any, ...]] = []
    counts: Counter[str] = Counter()
    transition_id = 0
    line_id = 0
    for app_id in range(1, count + 1):
        programme = rng.choices(programmes, weights)[0]
        year = rng.choice(FISCAL_YEARS)
        municipality = rng.choice(municipalities)
        state = rng.choices(states, state_weights)[0]
        if state in ("active", "completed") and programme in ("cooperators", "entrepreneurs"):
            state = "approved"  # their activation creates a placement, which this data set leaves out
        path = PATHS[state][0]
        if state == "withdrawn" and rng.random() < 0.5:
            path = ("create", "withdraw")
        counts[state] += 1
        requested = rng.randrange(10, CAPS[programme] // 10_000 + 1) * 10_000
        applicant = _applicant(programme, rng, app_id)
        details = _details(programme, year, requested, rng)
        at = datetime(year, 4, 1, 9, tzinfo=UTC) + timedelta(minutes=rng.randrange(300 * 24 * 60))
        created_at = at
        current: str | None = None
        eligibility: dict[str, Any] | None = None
        approved: int | None = None
        awarded_at: datetime | None = None
        for action in path:
            changes: dict[str, Any]
            if action == "create":
                new_state = "draft"
                changes = {}
            elif action == "check_eligibility":
                new_state = current or "draft"
                eligible = state != "rejected" or rng.random() < 0.5
                eligibility = _eligibility(programme, requested, eligible, at)
                failed = [] if eligible else ["amount-above-cap"]
                changes = {
                    "eligible": {"old": None, "new": eligible},
                    "failed_findings": {"old": None, "new": failed},
                }
            else:
                new_state = TARGET[action]
                changes = {"state": {"old": current, "new": new_state}}
                if action == "approve":
                    approved = requested
                    awarded_at = at
                    changes["approved_amount"] = {"old": None, "new": approved}
            transition_id += 1
            reason = REASONS.get(action)
            transitions.append(
                (transition_id, app_id, action, current, new_state, client_id, at, reason, _dumps(changes))
            )
            current = new_state
            at += timedelta(hours=rng.randrange(1, 240))
        updated_at = at - timedelta(hours=1)
        title = f"{programme} {year} #{app_id}"
        applications.append(
            (
                app_id,
                programme,
                year,
                municipality,
                client_id,
                _dumps(applicant),
                title,
                f"{title}: 地域の活性化に取り組む事業の申請",
                requested,
                approved,
                0,
                _dumps(details),
                state,
                None if eligibility is None else _dumps(eligibility),
                len(path),
                created_at,
                updated_at,
                awarded_at,
            )
        )
        if approved is not None:
            committed[(programme, year, municipality)].append(approved)
            if programme in ALLOCATION_CATEGORIES:
                months = rng.randrange(6, 13)
                for category in ALLOCATION_CATEGORIES[programme]:
                    for _ in range(rng.randrange(1, LINES_PER_CATEGORY + 1)):
                        line_id += 1
                        amount = rng.randrange(1, 200) * 10_000
                        lines.append(
                            (
                                line_id,
                                municipality,
                                year,
                                programme,
                                f"app-{app_id}",
                                category,
                                amount,
                                months,
                                client_id,
                                at,
                            )
                        )
    for year in FISCAL_YEARS:
        for prefecture in prefectures:
            for person in range(rng.randrange(1, 9)):
                for _ in range(rng.randrange(1, LINES_PER_CATEGORY + 1)):
                    line_id += 1
                    amount = rng.randrange(10, 300) * 10_000
                    stamp = datetime(year + 1, 3, 31, tzinfo=UTC)
                    lines.append(
                        (
                            line_id,
                            prefecture,
                            year,
                            "digital-staff",
                            f"dx-{person}",
                            "securing_costs",
                            amount,
                            12,
                            client_id,
                            stamp,
                        )
                    )
    budgets = [
        (
            programme,
            year,
            municipality,
            sum(amounts) + rng.randrange(0, 50) * 100_000,
            sum(amounts),
            0,
            1 + len(amounts),
        )
        for (programme, year, municipality), amounts in committed.items()
    ]
    return applications, transitions, budgets, lines, counts


APPLICATION_COLUMNS = [
    "id",
    "programme_code",
    "fiscal_year",
    "municipality_code",
    "client_id",
    "applicant",
    "title",
    "description",
    "requested_amount",
    "approved_amount",
    "disbursed_amount",
    "details",
    "state",
    "eligibility",
    "version",
    "created_at",
    "updated_at",
    "awarded_at",
]
TRANSITION_COLUMNS = [
    "id",
    "application_id",
    "action",
    "from_state",
    "to_state",
    "actor",
    "at",
    "reason",
    "changes",
]
BUDGET_COLUMNS = [
    "programme_code",
    "fiscal_year",
    "municipality_code",
    "amount",
    "committed",
    "disbursed",
    "version",
]
LINE_COLUMNS = [
    "id",
    "claimant_code",
    "fiscal_year",
    "programme_code",
    "person_ref",
    "category",
    "amount",
    "months",
    "recorded_by",
    "recorded_at",
]


def _client(ctx: BenchContext, **options: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=ctx.platform.gateway_url,
        headers={"Authorization": f"Bearer {ctx.token}"},
        timeout=300.0,
        **options,
    )


async def _ensure_loaded(ctx: BenchContext) -> Loaded:
    if id(ctx) in _LOADED:
        return _LOADED[id(ctx)]
    started = time.perf_counter()
    async with _client(ctx) as client:
        caller = await client.get(f"{API}/caller")
        caller.raise_for_status()
        client_id = caller.json()["client_id"]
        await _add_fiscal_years(client)
    municipalities, prefectures = _codes()
    reserved = municipalities[-RESERVED_MUNICIPALITIES:]
    bulk_municipalities = municipalities[:-RESERVED_MUNICIPALITIES]
    applications, transitions, budgets, lines, counts = await asyncio.to_thread(
        _generate, APPLICATIONS, client_id, bulk_municipalities, prefectures
    )
    connection = await asyncpg.connect(ctx.asyncpg_dsn("revitalization"))
    try:
        await connection.copy_records_to_table(
            "applications", records=applications, columns=APPLICATION_COLUMNS
        )
        await connection.copy_records_to_table(
            "application_transitions", records=transitions, columns=TRANSITION_COLUMNS
        )
        await connection.copy_records_to_table("budgets", records=budgets, columns=BUDGET_COLUMNS)
        await connection.copy_records_to_table("spending_lines", records=lines, columns=LINE_COLUMNS)
        for table in ("applications", "application_transitions", "spending_lines"):
            await connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        await connection.execute("ANALYZE applications, application_transitions, budgets, spending_lines")
    finally:
        await connection.close()
    by_municipality = Counter(row[3] for row in applications)
    loaded = Loaded(
        client_id=client_id,
        municipalities=bulk_municipalities,
        reserved=reserved,
        applications=len(applications),
        transitions=len(transitions),
        spending_lines=len(lines),
        load_seconds=round(time.perf_counter() - started, 1),
        busiest_municipality=by_municipality.most_common(1)[0][0],
        counts=counts,
    )
    _LOADED[id(ctx)] = loaded
    print(  # noqa: T201
        f"  revitalization data: {loaded.applications} applications, {loaded.transitions} transitions, "
        f"{len(budgets)} budgets, {loaded.spending_lines} spending lines in {loaded.load_seconds} s",
        flush=True,
    )
    return loaded


# ---------------------------------------------------------------- listing

LISTING_BASELINE_SQL = (
    "SELECT json_agg(a ORDER BY a.id) AS items FROM "
    "(SELECT * FROM applications WHERE id > $1::text::bigint ORDER BY id LIMIT 51) a"
)


async def _walk(
    client: httpx.AsyncClient, query: dict[str, Any], pages: int | None
) -> tuple[list[str], int, list[int]]:
    """Page paths of a listing (the first and those after each token), the rows seen, the last ids."""
    paths = [f"{API}/applications?{urlencode(query)}"]
    seen = 0
    last_ids: list[int] = []
    token: str | None = None
    while pages is None or len(last_ids) < pages:
        params = {**query, **({"page_token": token} if token else {})}
        response = await client.get(f"{API}/applications", params=params)
        response.raise_for_status()
        body = response.json()
        seen += len(body["items"])
        last_ids.append(body["items"][-1]["id"] if body["items"] else 0)
        token = body.get("next_page_token")
        if not token:
            break
        paths.append(f"{API}/applications?{urlencode({**query, 'page_token': token})}")
    return paths, seen, last_ids


async def _run(url: str, name: str, **options: Any) -> LoadResult:
    result = await load(url, seconds=SECONDS, connections=CONNECTIONS, **options)
    check_clean(name, result)
    return result


async def revitalization_listing(ctx: BenchContext) -> None:
    """Reviewer listings through the gateway: filters and page tokens mixed, and a deep page vs the first."""
    data = await _ensure_loaded(ctx)
    filters: list[dict[str, Any]] = [
        {},
        {"programme_code": "cooperators", "fiscal_year": MEASURED_YEAR},
        {"programme_code": "cooperators", "fiscal_year": MEASURED_YEAR, "state": "under_review"},
        {"programme_code": "local10000", "fiscal_year": 2025, "state": "approved"},
        {"municipality_code": data.busiest_municipality},
        {"state": "submitted"},
        {"fiscal_year": 2023, "state": "completed"},
    ]
    headers = {"Authorization": f"Bearer {ctx.token}"}
    async with _client(ctx) as client:
        paths: list[str] = []
        for query in filters:
            found, _, _ = await _walk(client, query, pages=5)
            paths += found
        started = time.perf_counter()
        all_paths, total, last_ids = await _walk(client, {"page_size": 500}, pages=None)
        walk_seconds = time.perf_counter() - started
    connection = await asyncpg.connect(ctx.asyncpg_dsn("revitalization"))
    try:
        stored = await connection.fetchval("SELECT count(*) FROM applications")
    finally:
        await connection.close()
    if total != stored:
        raise RuntimeError(f"the listing walked {total} applications of the {stored} stored")
    # A full page near the end: its token came from the 500-row walk (a token fits its query, whatever
    # the page size); all_paths[i] starts after last_ids[i - 1], with total - 500 * i rows left.
    deep_index = max((i for i in range(1, len(all_paths)) if total - 500 * i >= 50), default=0)
    deep_token = all_paths[deep_index].split("page_token=", 1)[1] if deep_index else None
    deep_after = last_ids[deep_index - 1] if deep_index else 0
    first = f"{API}/applications?page_size=50"
    deep = first + (f"&page_token={deep_token}" if deep_token else "")
    gateway = ctx.platform.gateway_url
    await load(gateway + paths[0], seconds=2, connections=CONNECTIONS, headers=headers, paths=paths)
    mix = await _run(gateway + paths[0], "listing mix", headers=headers, paths=paths)
    light = await load(gateway + paths[0], seconds=SECONDS, connections=4, headers=headers, paths=paths)
    check_clean("listing mix, 4 connections", light)
    service_pid = ctx.platform.processes["revitalization"].pid
    async with cpu_of(service_pid) as first_cpu:
        first_page = await _run(gateway + first, "first page", headers=headers)
    async with cpu_of(service_pid) as deep_cpu:
        deep_page = await _run(gateway + deep, "deep page", headers=headers)
    async with ctx.baseline("revitalization", LISTING_BASELINE_SQL) as baseline_url:
        await load(baseline_url + "/0", seconds=2, connections=CONNECTIONS)
        baseline_first = await _run(baseline_url + "/0", "baseline first")
        baseline_deep = await _run(f"{baseline_url}/{deep_after}", "baseline deep")
    ctx.record(
        "revitalization_listing",
        what=f"GET {API}/applications through the gateway with a review token, {data.applications:,} "
        f"applications ({data.transitions:,} transitions), keyset pages of 50: a random mix of "
        f"{len(paths)} pages (the first 5 pages of {len(filters)} filter combinations) at {CONNECTIONS} and "
        "at 4 connections (light_: latency without queueing), then the first "
        f"page and a page {deep_after:,} rows deep alone (service_cpu: the revitalization process's CPU "
        "per request meanwhile); baseline: a bare asyncpg endpoint returning "
        f"the same keyset page as JSON; {CONNECTIONS} connections, {SECONDS} s each",
        mix_rps=round(mix.requests_per_second),
        mix_p50_ms=mix.p50_ms,
        mix_p99_ms=mix.p99_ms,
        light_mix_p50_ms=light.p50_ms,
        light_mix_p99_ms=light.p99_ms,
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
        full_walk_seconds=round(walk_seconds, 1),
        full_walk_rows_per_second=round(total / walk_seconds),
        target="first_page_p99_ms < 100 at 50 connections; keyset pagination: deep_to_first_p99 near 1",
    )


# ---------------------------------------------------------------- approvals

APPROVAL_AMOUNT = 1_000_000
APPROVAL_BODY = json.dumps({"action": "approve", "approved_amount": APPROVAL_AMOUNT}).encode()
BARE_COMMIT_SQL = (
    "UPDATE bench_budget SET committed = committed + $1, version = version + 1 "
    "WHERE id = 1 AND committed + $1 <= amount"
)


async def _ready_for_approval(client: httpx.AsyncClient, municipality: str, number: int) -> int:
    """One application through the API up to `under_review` with an eligibility verdict; its id."""
    body = {
        "programme_code": "community-cooperatives",
        "fiscal_year": MEASURED_YEAR,
        "municipality_code": municipality,
        "applicant": {"kind": "organisation", "name": f"事業協同組合 {number}"},
        "title": f"派遣職員の人件費 {number}",
        "description": "特定地域づくり事業協同組合の運営費",
        "requested_amount": APPROVAL_AMOUNT,
    }
    created = await client.post(
        f"{API}/applications", json=body, headers={"Idempotency-Key": f"bench-{municipality}-{number}"}
    )
    created.raise_for_status()
    application_id = created.json()["id"]
    base = f"{API}/applications/{application_id}"
    submitted = await client.post(
        f"{base}/submissions",
        json={},
        headers={"If-Match": created.headers["ETag"], "Idempotency-Key": f"bench-submit-{application_id}"},
    )
    submitted.raise_for_status()
    review = await client.post(
        f"{base}/decisions", json={"action": "start_review"}, headers={"If-Match": submitted.headers["ETag"]}
    )
    review.raise_for_status()
    checked = await client.post(f"{base}/eligibility-checks")
    checked.raise_for_status()
    if not checked.json()["eligible"]:
        raise RuntimeError(f"application {application_id} is not eligible: {checked.text}")
    return int(application_id)


async def _read_etags(session: aiohttp.ClientSession, ids: list[int]) -> list[tuple[int, str]]:
    """Each application's ETag, all read at once on the race's session: as many connections to the
    gateway as there will be approvals, and the gateway's to the service, are opened here, before the
    timer, as the bare race's pool is opened before its timer."""

    async def read(application_id: int) -> tuple[int, str]:
        async with session.get(f"{API}/applications/{application_id}") as response:
            response.raise_for_status()
            await response.read()
            return application_id, response.headers["ETag"]

    return await asyncio.gather(*(read(application_id) for application_id in ids))


async def _approve(session: aiohttp.ClientSession, application_id: int, etag: str) -> tuple[int, str]:
    """One approval; its status and, for a problem, the last part of its type."""
    async with session.post(
        f"{API}/applications/{application_id}/decisions",
        data=APPROVAL_BODY,
        headers={"If-Match": etag, "Content-Type": "application/json"},
    ) as response:
        body = await response.read()
    if response.status == 200:
        return 200, ""
    return response.status, re.split(r"[/:]", str(json.loads(body).get("type", "")))[-1]


async def _approval_race(ctx: BenchContext, municipality: str) -> dict[str, Any]:
    budget_path = f"{API}/budgets/community-cooperatives/{MEASURED_YEAR}/{municipality}"
    async with _client(ctx) as client:
        put = await client.put(budget_path, json={"amount": APPROVAL_SLOTS * APPROVAL_AMOUNT})
        if put.status_code != 201:
            raise RuntimeError(f"PUT budget: {put.status_code} {put.text}")
        gate = asyncio.Semaphore(8)

        async def prepare(number: int) -> int:
            async with gate:
                return await _ready_for_approval(client, municipality, number)

        ids = await asyncio.gather(*(prepare(n) for n in range(APPROVAL_REQUESTS)))
    # The race's own client: aiohttp, whose CPU per request is a fraction of httpx's (the bench shares
    # the machine's cores with the gateway, the service and PostgreSQL).
    async with aiohttp.ClientSession(
        base_url=ctx.platform.gateway_url,
        headers={"Authorization": f"Bearer {ctx.token}"},
        connector=aiohttp.TCPConnector(limit=APPROVAL_REQUESTS),
        timeout=aiohttp.ClientTimeout(total=300),
    ) as session:
        ready = await _read_etags(session, ids)
        processes = ctx.platform.processes
        own = time.process_time()
        started = time.perf_counter()
        async with (
            cpu_of(processes["revitalization"].pid) as service_cpu,
            cpu_of(processes["gateway"].pid) as gateway_cpu,
        ):
            outcomes = await asyncio.gather(*(_approve(session, app_id, etag) for app_id, etag in ready))
        seconds = time.perf_counter() - started
        client_seconds = time.process_time() - own
    connection = await asyncpg.connect(ctx.asyncpg_dsn("revitalization"))
    try:
        budget = await connection.fetchrow(
            "SELECT amount, committed FROM budgets WHERE programme_code = 'community-cooperatives' "
            "AND fiscal_year = $1 AND municipality_code = $2",
            MEASURED_YEAR,
            municipality,
        )
        approved_rows = await connection.fetchval(
            "SELECT count(*) FROM applications WHERE municipality_code = $1 AND state = 'approved'",
            municipality,
        )
    finally:
        await connection.close()
    statuses = Counter(f"{status} {kind}".strip() for status, kind in outcomes)
    return {
        "seconds": seconds,
        "service_cpu_us": service_cpu.per_request_us(len(outcomes)),
        "gateway_cpu_us": gateway_cpu.per_request_us(len(outcomes)),
        "client_cpu_us": round(client_seconds / len(outcomes) * 1_000_000, 1),
        "succeeded": statuses.get("200", 0),
        "exhausted": statuses.get("409 budget-exhausted", 0),
        "other": {k: v for k, v in statuses.items() if k not in ("200", "409 budget-exhausted")},
        "amount": budget["amount"],
        "committed": budget["committed"],
        "approved_rows": approved_rows,
    }


async def _bare_race(ctx: BenchContext) -> float:
    """The same race as bare conditional UPDATEs of one scratch row from a pool: what the database needs."""
    pool = await asyncpg.create_pool(ctx.asyncpg_dsn("revitalization"), min_size=10, max_size=10)
    try:
        await pool.execute(
            "DROP TABLE IF EXISTS bench_budget; CREATE TABLE bench_budget "
            "(id int PRIMARY KEY, amount bigint, committed bigint CHECK (committed <= amount), version int)"
        )
        await pool.execute("INSERT INTO bench_budget VALUES (1, $1, 0, 1)", APPROVAL_SLOTS * APPROVAL_AMOUNT)
        started = time.perf_counter()
        results = await asyncio.gather(
            *(pool.execute(BARE_COMMIT_SQL, APPROVAL_AMOUNT) for _ in range(APPROVAL_REQUESTS))
        )
        seconds = time.perf_counter() - started
        if sum(result == "UPDATE 1" for result in results) != APPROVAL_SLOTS:
            raise RuntimeError(f"the bare race committed {results.count('UPDATE 1')} of {APPROVAL_SLOTS}")
        await pool.execute("DROP TABLE bench_budget")
    finally:
        await pool.close()
    return seconds


async def revitalization_approvals(ctx: BenchContext) -> None:
    """N concurrent approvals through the gateway against a budget with room for exactly K of them."""
    data = await _ensure_loaded(ctx)
    rounds = [await _approval_race(ctx, data.reserved[i]) for i in range(APPROVAL_ROUNDS)]
    bare = min([await _bare_race(ctx) for _ in range(APPROVAL_ROUNDS)])
    exact = all(
        r["succeeded"] == APPROVAL_SLOTS
        and r["approved_rows"] == APPROVAL_SLOTS
        and r["committed"] == APPROVAL_SLOTS * APPROVAL_AMOUNT
        and r["committed"] <= r["amount"]
        and r["exhausted"] == APPROVAL_REQUESTS - APPROVAL_SLOTS
        for r in rounds
    )
    best = min(r["seconds"] for r in rounds)
    other: Counter[str] = Counter()
    for r in rounds:
        other.update(r["other"])
    ctx.record(
        "revitalization_approvals",
        what=f"{APPROVAL_REQUESTS} concurrent POST {API}/applications/{{id}}/decisions (approve ¥"
        f"{APPROVAL_AMOUNT:,}, If-Match) through the gateway against one budget with room for exactly "
        f"{APPROVAL_SLOTS}, {APPROVAL_ROUNDS} rounds on fresh budgets (applications prepared through "
        "the API), the best round; the race's client is aiohttp (one connection per approval, opened "
        "before the timer by reading the applications' ETags all at once, which also opens the "
        "gateway's connections to the service), CPU per approval of the service, the gateway and the "
        "bench's own client read over the race; "
        "baseline: the same race as bare conditional UPDATEs of one row from a 10-connection pool "
        "opened before its timer, the best of as many rounds",
        rounds=APPROVAL_ROUNDS,
        approved_per_round=[r["succeeded"] for r in rounds],
        refused_budget_exhausted_per_round=[r["exhausted"] for r in rounds],
        other_answers=dict(other),
        committed_per_round=[r["committed"] for r in rounds],
        amount_per_round=[r["amount"] for r in rounds],
        overspend_yen=max(max(r["committed"] - r["amount"] for r in rounds), 0),
        exactly_k_approved=exact,
        race_seconds=round(best, 3),
        race_seconds_per_round=[round(r["seconds"], 3) for r in rounds],
        approvals_per_second=round(APPROVAL_REQUESTS / best),
        bare_race_seconds=round(bare, 4),
        race_to_bare=round(best / bare, 1),
        service_cpu_us_per_approval=[r["service_cpu_us"] for r in rounds],
        gateway_cpu_us_per_approval=[r["gateway_cpu_us"] for r in rounds],
        client_cpu_us_per_approval=[r["client_cpu_us"] for r in rounds],
        target="exactly_k_approved and overspend_yen == 0 and race_to_bare <= 5",
    )


# ---------------------------------------------------------------- one programme

PROGRAMME_ROUNDS = 3
# What GET /programmes/{code} reads, as one statement: the programme and the fiscal years it has rules for.
PROGRAMME_SQL = (
    "SELECT p.code, p.kind, p.texts, p.version, "
    "array_remove(array_agg(y.fiscal_year ORDER BY y.fiscal_year), NULL) AS fiscal_years "
    "FROM programmes p LEFT JOIN programme_years y ON y.programme_code = p.code "
    "WHERE p.code = $1 GROUP BY p.code"
)


async def revitalization_programme(ctx: BenchContext) -> None:
    """One programme read directly from the service (the public catalogue, no token), against a bare
    endpoint doing the same SQL; interleaved rounds, the median ratio."""
    code = "cooperators"
    direct_url = f"{ctx.platform.url('revitalization')}{API}/programmes/{code}"
    async with ctx.baseline("revitalization", PROGRAMME_SQL) as baseline_url:
        rounds = await interleaved(
            PROGRAMME_ROUNDS,
            seconds=SECONDS,
            connections=CONNECTIONS,
            baseline={"url": baseline_url + f"/{code}"},
            measured={"url": direct_url},
        )
    median = rounds.median
    ctx.record(
        "revitalization_programme",
        what=f"GET {API}/programmes/{code} directly at the service, anonymous (the catalogue is public), "
        f"{CONNECTIONS} connections, {SECONDS} s, {PROGRAMME_ROUNDS} interleaved rounds, the median round; "
        "baseline: a bare asyncpg endpoint running the same read (programme and fiscal years, one statement)",
        direct_rps=round(rounds.measured[median].requests_per_second),
        direct_p99_ms=rounds.measured[median].p99_ms,
        baseline_rps=round(rounds.baselines[median].requests_per_second),
        direct_to_baseline=round(rounds.ratios[median], 3),
        **rounds.machine_of_round(median),
        rounds={"direct_to_baseline": [round(ratio, 3) for ratio in rounds.ratios]},
        target="direct_to_baseline >= 0.4",
    )


# ---------------------------------------------------------------- allocation

AGGREGATE_SQL = (
    "SELECT claimant_code, programme_code, category, sum(amount) AS spent, count(*) AS lines "
    "FROM spending_lines WHERE fiscal_year = $1 GROUP BY claimant_code, programme_code, category"
)


async def _claims(client: httpx.AsyncClient) -> tuple[int, int, int]:
    """Walk every page of claims for the year: claimants, total spent, lines traced."""
    claimants = spent = traced = 0
    token: str | None = None
    while True:
        params: dict[str, Any] = {"fiscal_year": MEASURED_YEAR, "page_size": 500}
        if token:
            params["page_token"] = token
        response = await client.get(f"{API}/allocation-claims", params=params)
        response.raise_for_status()
        body = response.json()
        for claim in body["items"]:
            claimants += 1
            for programme in claim["programmes"]:
                for person in programme["persons"]:
                    for category in person["categories"]:
                        spent += category["spent"]
                        traced += len(category["line_ids"])
        token = body.get("next_page_token")
        if not token:
            return claimants, spent, traced


async def revitalization_allocation(ctx: BenchContext) -> None:
    """The allocation-tax claims of every claimant for a fiscal year, against a bare SQL aggregate."""
    data = await _ensure_loaded(ctx)
    connection = await asyncpg.connect(ctx.asyncpg_dsn("revitalization"))
    try:
        sql_times = []
        for _ in range(ALLOCATION_ROUNDS + 2):
            started = time.perf_counter()
            rows = await connection.fetch(AGGREGATE_SQL, MEASURED_YEAR)
            sql_times.append(time.perf_counter() - started)
    finally:
        await connection.close()
    sql_claimants = len({row["claimant_code"] for row in rows})
    sql_spent = sum(row["spent"] for row in rows)
    sql_lines = sum(row["lines"] for row in rows)
    api_times = []
    async with _client(ctx) as client:
        for _ in range(ALLOCATION_ROUNDS):
            started = time.perf_counter()
            claimants, spent, traced = await _claims(client)
            api_times.append(time.perf_counter() - started)
    if (claimants, spent, traced) != (sql_claimants, sql_spent, sql_lines):
        raise RuntimeError(
            f"the claims cover {claimants} claimants, ¥{spent:,}, {traced} lines; "
            f"the spending lines hold {sql_claimants}, ¥{sql_spent:,}, {sql_lines}"
        )
    api, sql = min(api_times), min(sql_times)
    ctx.record(
        "revitalization_allocation",
        what=f"GET {API}/allocation-claims?fiscal_year={MEASURED_YEAR} through the gateway, every page "
        f"(500 claimants each): {claimants} claimants, {traced:,} spending lines of that year "
        f"({data.spending_lines:,} in all), each amount traced to its lines; baseline: the bare SQL "
        f"SUM ... GROUP BY claimant, programme, category over the same rows; best of {ALLOCATION_ROUNDS}",
        claimants=claimants,
        spending_lines=traced,
        api_seconds=round(api, 3),
        bare_sql_seconds=round(sql, 4),
        api_to_bare_sql=round(api / sql, 1),
        lines_per_second=round(traced / api),
        target="reported as a ratio (the issue sets no number)",
    )
