"""Recomputing findings after a filing or an amendment, across every report of the year."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.findings import repository
from services.funds.findings.limits import Donation, FindingDraft, evaluate_year, lowest_caps
from services.funds.rulebook import FundsRules
from shared.contracts.funds import DonorKind, Finding, FindingKind, OrganizationKind
from shared.values import fold_for_matching, utc_now
from shared.web.pagination import Page, PageRequest


def line_ref(organization_id: int, year: int, version: int, line_no: int) -> str:
    return f"{organization_id}/{year}/v{version}#{line_no}"


# By value, as a dictionary: a filing reads tens of thousands of donations, and calling an Enum
# costs far more than a lookup.
_DONOR_KINDS = {kind.value: kind for kind in DonorKind}
_RECIPIENT_KINDS = {kind.value: kind for kind in OrganizationKind}


def _donation(row: repository.DonationRow) -> Donation:
    return Donation(
        line_ref=line_ref(row.organization_id, row.year, row.version, row.line_no),
        report_id=row.report_id,
        organization_id=row.organization_id,
        recipient_kind=_RECIPIENT_KINDS[row.recipient_kind],
        donor_key=row.donor_key if row.donor_key is not None else f"anonymous:{row.report_id}",
        donor_name=row.name,
        donor_kind=_DONOR_KINDS[row.donor_kind],
        amount=int(row.amount),
        transaction_date=row.transaction_date,
        capital_yen=row.capital_yen,
        union_members=row.union_members,
        annual_expenses_yen=row.annual_expenses_yen,
        foreign=bool(row.is_foreign),
        listed_years=row.listed_years,
        receives_state_subsidy=bool(row.receives_state_subsidy),
        at_public_meeting=bool(row.at_public_meeting),
        recipient_politician_key=_folded(row.recipient_diet_member_name),
    )


@lru_cache(maxsize=1024)
def _folded(name: str | None) -> str | None:
    return None if name is None else fold_for_matching(name)


async def recompute(
    *,
    session: AsyncSession,
    year: int,
    organization_id: int,
    report_id: int,
    rules: Callable[[date], FundsRules],
) -> None:
    """Replace the findings of the report's lines, and of the totals of its donors (of any of its
    versions) in its year, by fresh ones: run after its lines are written.

    A line rule judges one line alone, so the findings of the donors' lines in other reports stand
    as their own filings left them; only totals span reports."""
    await repository.lock_year(session, year)
    await repository.delete_for(session, year=year, organization_id=organization_id, report_id=report_id)
    caps = lowest_caps(rules(date(year, 1, 1)))
    rows = await repository.donations(
        session, year=year, organization_id=organization_id, report_id=report_id, caps=caps
    )
    drafts = refreshed_by(report_id, evaluate_year([_donation(row) for row in rows], year=year, rules=rules))
    now = utc_now()
    await repository.insert_findings(session, [_finding_row(draft, now) for draft in drafts])


def refreshed_by(report_id: int, drafts: Iterable[FindingDraft]) -> list[FindingDraft]:
    """The findings a filing of `report_id` replaces: those of totals (they have no report) and those
    of its own lines. A donor over a cap brings all its lines, and with them line findings of other
    reports, which are stored already."""
    return [draft for draft in drafts if draft.report_id is None or draft.report_id == report_id]


def _finding_row(draft: FindingDraft, computed_at: datetime) -> dict[str, Any]:
    # str() of a StrEnum member is its value, in C: `.value` is a Python property, and a filing
    # writes thousands of findings.
    return {
        "year": draft.year,
        "kind": str(draft.kind),
        "donor_key": draft.donor_key,
        "donor_name": draft.donor_name,
        "donor_kind": str(draft.donor_kind) if draft.donor_kind else None,
        "organization_id": draft.organization_id,
        "report_id": draft.report_id,
        "amount": draft.amount,
        "limit_amount": draft.limit,
        "line_refs": list(draft.line_refs),
        "detail": draft.detail,
        "computed_at": computed_at,
    }


def to_model(row: Row[Any]) -> Finding:
    return Finding(
        id=row.id,
        year=row.year,
        kind=FindingKind(row.kind),
        donor_name=row.donor_name,
        donor_kind=DonorKind(row.donor_kind) if row.donor_kind else None,
        organization_id=row.organization_id,
        amount=row.amount,
        limit=row.limit_amount,
        line_refs=list(row.line_refs),
        detail=row.detail,
        computed_at=row.computed_at,
    )


async def list_page(
    session: AsyncSession,
    page: PageRequest,
    *,
    year: int | None,
    kind: FindingKind | None,
    organization_id: int | None,
) -> Page[Finding]:
    rows, token = await repository.page(session, page, year=year, kind=kind, organization_id=organization_id)
    return Page[Finding](items=[to_model(row) for row in rows], next_page_token=token)
