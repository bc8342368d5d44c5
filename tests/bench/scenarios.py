"""The scenarios `make bench` measures; each reports ratios to a baseline measured in the same run."""

from __future__ import annotations

from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.elections import (
    elections_checkins,
    elections_get_election,
    elections_results_linearity,
    elections_roll,
)
from tests.bench.funds import funds_export, funds_filing, funds_organization_get, funds_search
from tests.bench.funds_feed import funds_filings_feed, funds_politician_totals
from tests.bench.national import elections_general_election
from tests.bench.registry import lookup_requests, registry_import, registry_lookups
from tests.bench.registry_statistics import registry_statistics
from tests.bench.revitalization import (
    revitalization_allocation,
    revitalization_approvals,
    revitalization_listing,
    revitalization_programme,
)
from tests.bench.revitalization_calls import revitalization_calls_search
from tests.bench.subscriptions import registry_subscription_deliveries
from tests.bench.wrk import LoadResult, check_clean, interleaved, load

CODE_LOOKUP_SQL = (
    "SELECT code, prefecture, prefecture_kana, name, name_kana, kind, from_date, to_date "
    "FROM local_government_codes WHERE code = $1"
)


async def best_of(rounds: int, url: str, **options: object) -> LoadResult:
    """The best of a few rounds: on a shared machine the slowest rounds measure the neighbours."""
    results = [await load(url, seconds=SECONDS, connections=CONNECTIONS, **options) for _ in range(rounds)]  # type: ignore[arg-type]
    return max(results, key=lambda result: result.requests_per_second)


GATEWAY_ROUNDS = 3


async def _gateway_against_direct(
    ctx: BenchContext, path: str, paths: list[str] | None, headers: dict[str, str]
) -> tuple[dict[str, object], float]:
    """Interleaved rounds of the same requests sent directly and through the gateway: the figures of
    the median round, and its direct rate.

    The gateway's CPU (every process of it: granian, aiohttp and the proxy) is read from /proc
    during its runs and divided by the requests it carried.
    """
    measured = await interleaved(
        GATEWAY_ROUNDS,
        seconds=SECONDS,
        connections=CONNECTIONS,
        baseline={"url": ctx.platform.url("registry") + path, "headers": headers, "paths": paths},
        measured={"url": ctx.platform.gateway_url + path, "headers": headers, "paths": paths},
        cpu_pids={"gateway": ctx.platform.processes["gateway"].pid},
    )
    directs, gateways, cpu_us, ratios = (
        measured.baselines,
        measured.measured,
        [cpu["gateway"] for cpu in measured.measured_cpu_us],
        measured.ratios,
    )
    median = measured.median
    figures: dict[str, object] = {
        "direct_rps": round(directs[median].requests_per_second),
        "gateway_rps": round(gateways[median].requests_per_second),
        "direct_p99_ms": directs[median].p99_ms,
        "gateway_p99_ms": gateways[median].p99_ms,
        "gateway_to_direct": round(ratios[median], 3),
        "gateway_cpu_us_per_request": cpu_us[median],
        **measured.machine_of_round(median),
        "rounds": {
            "gateway_to_direct": [round(ratio, 3) for ratio in ratios],
            "gateway_cpu_us_per_request": cpu_us,
        },
    }
    return figures, directs[median].requests_per_second


async def gateway_overhead(ctx: BenchContext) -> None:
    """A database-backed GET (a code-master lookup): a bare endpoint, the registry, the gateway."""
    path = "/registry/v1/local-government-codes/131016"
    headers = {"Authorization": f"Bearer {ctx.token}"}
    async with ctx.baseline("registry", CODE_LOOKUP_SQL) as baseline_url:
        await load(baseline_url + "/131016", seconds=2, connections=CONNECTIONS)
        baseline = await best_of(2, baseline_url + "/131016")
    check_clean("baseline", baseline)
    figures, direct_rps = await _gateway_against_direct(ctx, path, None, headers)
    ctx.record(
        "gateway_overhead",
        what="GET /registry/v1/local-government-codes/131016 with a bearer token, "
        f"{CONNECTIONS} connections, {SECONDS} s, {GATEWAY_ROUNDS} interleaved rounds, the median round",
        baseline_rps=round(baseline.requests_per_second),
        direct_to_baseline=round(direct_rps / baseline.requests_per_second, 3),
        **figures,
        target="gateway_to_direct >= 0.75",
    )


async def gateway_lookup_overhead(ctx: BenchContext) -> None:
    """The registry's resident lookup (token, purpose, access-log entry), directly and through the gateway."""
    _codes, paths, headers = await lookup_requests(ctx)
    figures, _direct_rps = await _gateway_against_direct(ctx, paths[0], paths, headers)
    ctx.record(
        "gateway_lookup_overhead",
        what="GET /registry/v1/residents/{code} over 20,000 residents, with a bearer token and a purpose, "
        f"{CONNECTIONS} connections, {SECONDS} s, {GATEWAY_ROUNDS} interleaved rounds, the median round",
        **figures,
        target="gateway_to_direct >= 0.75",
    )


SCENARIOS = [
    gateway_overhead,
    registry_import,
    registry_lookups,
    gateway_lookup_overhead,
    registry_statistics,
    registry_subscription_deliveries,
    elections_roll,
    elections_checkins,
    elections_get_election,
    elections_results_linearity,
    elections_general_election,
    funds_search,
    funds_export,
    funds_filing,
    funds_organization_get,
    funds_filings_feed,
    funds_politician_totals,
    revitalization_listing,
    revitalization_approvals,
    revitalization_allocation,
    revitalization_programme,
    revitalization_calls_search,
]
