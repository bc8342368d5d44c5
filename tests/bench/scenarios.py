"""The scenarios `make bench` measures; each reports ratios to a baseline measured in the same run."""

from __future__ import annotations

from tests.bench.context import CONNECTIONS, SECONDS, BenchContext
from tests.bench.elections import elections_checkins, elections_results_linearity, elections_roll
from tests.bench.funds import funds_export, funds_filing, funds_search
from tests.bench.registry import registry_import, registry_lookups
from tests.bench.revitalization import (
    revitalization_allocation,
    revitalization_approvals,
    revitalization_listing,
)
from tests.bench.wrk import LoadResult, check_clean, load

CODE_LOOKUP_SQL = (
    "SELECT code, prefecture, prefecture_kana, name, name_kana, kind, from_date, to_date "
    "FROM local_government_codes WHERE code = $1"
)


async def best_of(rounds: int, url: str, **options: object) -> LoadResult:
    """The best of a few rounds: on a shared machine the slowest rounds measure the neighbours."""
    results = [await load(url, seconds=SECONDS, connections=CONNECTIONS, **options) for _ in range(rounds)]  # type: ignore[arg-type]
    return max(results, key=lambda result: result.requests_per_second)


async def gateway_overhead(ctx: BenchContext) -> None:
    """A database-backed GET (a code-master lookup) directly at the registry and through the gateway."""
    path = "/registry/v1/local-government-codes/131016"
    headers = {"Authorization": f"Bearer {ctx.token}"}
    async with ctx.baseline("registry", CODE_LOOKUP_SQL) as baseline_url:
        await load(baseline_url + "/131016", seconds=2, connections=CONNECTIONS)
        await load(ctx.platform.url("registry") + path, seconds=2, connections=CONNECTIONS, headers=headers)
        await load(ctx.platform.gateway_url + path, seconds=2, connections=CONNECTIONS, headers=headers)
        baseline = await best_of(2, baseline_url + "/131016")
        direct = await best_of(2, ctx.platform.url("registry") + path, headers=headers)
        gateway = await best_of(2, ctx.platform.gateway_url + path, headers=headers)
    for name, result in (("baseline", baseline), ("direct", direct), ("gateway", gateway)):
        check_clean(name, result)
    ctx.record(
        "gateway_overhead",
        what="GET /registry/v1/local-government-codes/131016 with a bearer token, "
        f"{CONNECTIONS} connections, {SECONDS} s, best of 2",
        baseline_rps=round(baseline.requests_per_second),
        direct_rps=round(direct.requests_per_second),
        gateway_rps=round(gateway.requests_per_second),
        gateway_p99_ms=gateway.p99_ms,
        direct_p99_ms=direct.p99_ms,
        gateway_to_direct=round(gateway.requests_per_second / direct.requests_per_second, 3),
        direct_to_baseline=round(direct.requests_per_second / baseline.requests_per_second, 3),
        target="gateway_to_direct >= 0.80",
    )


SCENARIOS = [
    gateway_overhead,
    registry_import,
    registry_lookups,
    elections_roll,
    elections_checkins,
    elections_results_linearity,
    funds_search,
    funds_export,
    funds_filing,
    revitalization_listing,
    revitalization_approvals,
    revitalization_allocation,
]
