"""Filing annual reports and their amendments; who sees which detail of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds import municipalities
from services.funds.feed import service as feed_service
from services.funds.findings import service as findings_service
from services.funds.reports import repository
from services.funds.reports.arithmetic import ReportProblem, check_report
from services.funds.reports.identity import donor_key, search_key
from services.funds.reports.publication import (
    due_date,
    filed_late,
    is_diet_member_related,
    public_until,
    published_lines,
)
from services.funds.rulebook import FundsRules
from services.funds.tables import reports
from shared.auth.tokens import Principal
from shared.contracts.funds import (
    AmendmentIn,
    DonorKind,
    LineCategory,
    ReportIn,
    ReportLineIn,
    ReportTotals,
    ReportVersion,
    ReportVersionSummary,
    direction_of,
)
from shared.values import utc_now
from shared.web.etag import update_versioned
from shared.web.problems import Conflict, NotFound, UnprocessableContent

RulesOn = Callable[[date], FundsRules]


def _refuse(problems: Sequence[ReportProblem]) -> UnprocessableContent:
    failing = sorted({line for problem in problems for line in problem.lines})
    return UnprocessableContent(
        f"The report is inconsistent: {len(problems)} problem(s); first: "
        f"{problems[0].pointer}: {problems[0].detail}.",
        slug="inconsistent-report",
        errors=[
            {"location": "body", "pointer": p.pointer, "detail": p.detail, "type": p.type} for p in problems
        ],
        failing_lines=failing,
    )


def _line_key(line: ReportLineIn) -> str | None:
    if line.name is None or line.donor_kind in (None, DonorKind.anonymous):
        return None
    return donor_key(line.name, line.municipality_code, line.address, line.corporate_number)


def _line_rows(
    lines: Sequence[ReportLineIn],
    *,
    report_id: int,
    version_id: int,
    version: int,
    organization: Row[Any],
    year: int,
    until: date,
    rules: RulesOn,
) -> list[dict[str, Any]]:
    keys = [_line_key(line) for line in lines]
    flags = published_lines(
        lines,
        keys,
        year=year,
        diet_member_related=is_diet_member_related(
            organization.kind, organization.diet_member_name, organization.politician_office
        ),
        rules=rules,
    )
    rows = []
    for line_no, (line, key, published) in enumerate(zip(lines, keys, flags, strict=True)):
        rows.append(
            {
                "report_version_id": version_id,
                "report_id": report_id,
                "organization_id": organization.id,
                "year": year,
                "version": version,
                "is_current": True,
                "published": published,
                "public_until": until,
                "line_no": line_no,
                "category": line.category.value,
                "direction": direction_of(line.category).value,
                "amount": line.amount,
                "transaction_date": line.transaction_date,
                "sort_date": line.transaction_date or date(year, 12, 31),
                "name": line.name,
                "name_key": search_key(line.name) if line.name else None,
                "donor_key": key,
                "donor_kind": line.donor_kind.value if line.donor_kind else None,
                "address": line.address,
                "municipality_code": line.municipality_code,
                "prefecture_code": line.municipality_code[:2] if line.municipality_code else None,
                "published_address": municipalities.published_address(line.municipality_code),
                "occupation": line.occupation,
                "payer_count": line.payer_count,
                "event_name": line.event_name,
                "capital_yen": line.capital_yen,
                "union_members": line.union_members,
                "annual_expenses_yen": line.annual_expenses_yen,
                "is_foreign": line.foreign,
                "listed_years": line.listed_years,
                "receives_state_subsidy": line.receives_state_subsidy,
                "at_public_meeting": line.at_public_meeting,
                "corporate_number": line.corporate_number,
            }
        )
    return rows


def _version_values(
    body: ReportTotals, *, report_id: int, version: int, filed_by: str, reason: str | None, line_count: int
) -> dict[str, Any]:
    return {
        "report_id": report_id,
        "version": version,
        "is_current": True,
        "reason": reason,
        "filed_at": utc_now(),
        "filed_by": filed_by,
        "carried_forward": body.carried_forward,
        "income_total": body.income_total,
        "expenditure_total": body.expenditure_total,
        "balance": body.balance,
        "category_totals": {category.value: amount for category, amount in body.category_totals.items()},
        "line_count": line_count,
    }


async def _validate(
    session: AsyncSession,
    organization: Row[Any],
    body: ReportTotals,
    lines: Sequence[ReportLineIn],
    year: int,
    rules: RulesOn,
) -> None:
    if year < organization.registered_date.year:
        raise UnprocessableContent(
            f"The organization was registered in {organization.registered_date.year}; no report for {year}.",
            slug="year-outside-registration",
        )
    if organization.dissolved_date is not None and year > organization.dissolved_date.year:
        raise UnprocessableContent(
            f"The organization was dissolved in {organization.dissolved_date.year}; no report for {year}.",
            slug="year-outside-registration",
        )
    previous = await repository.current_balance(session, organization.id, year - 1)
    problems = check_report(
        body,
        lines,
        year=year,
        previous_balance=previous,
        diet_member_related=is_diet_member_related(
            organization.kind, organization.diet_member_name, organization.politician_office
        ),
        rules=rules,
    )
    if problems:
        raise _refuse(problems)


async def file_report(
    *, session: AsyncSession, principal: Principal, organization: Row[Any], body: ReportIn, rules: RulesOn
) -> ReportVersion:
    await _validate(session, organization, body, body.lines, body.year, rules)
    if await repository.get_report(session, organization.id, body.year) is not None:
        raise Conflict(
            f"The {body.year} report is already filed; file an amendment instead.", slug="report-exists"
        )
    now = utc_now()
    until = public_until(now.date(), rules(now.date()))
    try:
        report_id = await repository.create_report(
            session, organization_id=organization.id, year=body.year, filed_at=now, public_until=until
        )
    except IntegrityError:
        raise Conflict(
            f"The {body.year} report is already filed; file an amendment instead.", slug="report-exists"
        ) from None
    version_id = await repository.insert_version(
        session,
        _version_values(
            body,
            report_id=report_id,
            version=1,
            filed_by=principal.client_id,
            reason=None,
            line_count=len(body.lines),
        ),
    )
    rows = _line_rows(
        body.lines,
        report_id=report_id,
        version_id=version_id,
        version=1,
        organization=organization,
        year=body.year,
        until=until,
        rules=rules,
    )
    await repository.insert_lines(session, rows)
    await findings_service.recompute(
        session=session, year=body.year, organization_id=organization.id, report_id=report_id, rules=rules
    )
    filed = await _filed_version(session, organization, body.year, 1, rows)
    await feed_service.record(
        session, organization=organization, report_id=report_id, filed=filed, public_until=until
    )
    return filed


async def report_to_amend(session: AsyncSession, organization_id: int, year: int) -> Row[Any]:
    report = await repository.get_report(session, organization_id, year)
    if report is None:
        raise NotFound(f"No {year} report of organization {organization_id} to amend.")
    return report


async def amend_report(
    *,
    session: AsyncSession,
    principal: Principal,
    organization: Row[Any],
    report: Row[Any],
    body: AmendmentIn,
    rules: RulesOn,
) -> ReportVersion:
    await _validate(session, organization, body, body.lines, report.year, rules)
    new_version = report.current_version + 1
    await update_versioned(
        session,
        reports,
        reports.c.id == report.id,
        expected_version=report.version,
        values={"current_version": new_version},
    )
    await repository.retire_current(session, report)
    version_id = await repository.insert_version(
        session,
        _version_values(
            body,
            report_id=report.id,
            version=new_version,
            filed_by=principal.client_id,
            reason=body.reason,
            line_count=len(body.lines),
        ),
    )
    rows = _line_rows(
        body.lines,
        report_id=report.id,
        version_id=version_id,
        version=new_version,
        organization=organization,
        year=report.year,
        until=report.public_until,
        rules=rules,
    )
    await repository.insert_lines(session, rows)
    await findings_service.recompute(
        session=session, year=report.year, organization_id=organization.id, report_id=report.id, rules=rules
    )
    filed = await _filed_version(session, organization, report.year, new_version, rows)
    await feed_service.record(
        session, organization=organization, report_id=report.id, filed=filed, public_until=report.public_until
    )
    return filed


def sees_full_detail(principal: Principal | None, organization: Row[Any]) -> bool:
    if principal is None:
        return False
    return principal.has("funds:review") or (
        principal.has("funds:file") and principal.client_id == organization.filer_client_id
    )


async def report_or_404(
    session: AsyncSession, organization_id: int, year: int, *, full: bool, today: date | None = None
) -> Row[Any]:
    report = await repository.get_report(session, organization_id, year)
    if report is None or (not full and report.public_until < (today or utc_now().date())):
        raise NotFound(f"No {year} report of organization {organization_id}.")
    return report


def _summary_values(row: Row[Any], report: Row[Any], organization: Row[Any]) -> dict[str, Any]:
    due = due_date(
        report.year,
        diet_member_related=is_diet_member_related(
            organization.kind, organization.diet_member_name, organization.politician_office
        ),
    )
    return {
        "organization_id": organization.id,
        "year": report.year,
        "version": row.version,
        "amends_version": row.version - 1 if row.version > 1 else None,
        "amended_by_version": row.version + 1 if row.version < report.current_version else None,
        "is_current": row.is_current,
        "reason": row.reason,
        "filed_at": row.filed_at,
        "carried_forward": row.carried_forward,
        "income_total": row.income_total,
        "expenditure_total": row.expenditure_total,
        "balance": row.balance,
        "category_totals": {LineCategory(k): v for k, v in row.category_totals.items()},
        "line_count": row.line_count,
        "due_date": due,
        "filed_late": filed_late(report.first_filed_at, due),
    }


async def list_versions(
    session: AsyncSession, report: Row[Any], organization: Row[Any]
) -> list[ReportVersionSummary]:
    return [
        ReportVersionSummary(**_summary_values(row, report, organization))
        for row in await repository.versions(session, report.id)
    ]


def line_fields(line: Mapping[str, Any], *, full: bool) -> dict[str, Any]:
    """A stored line (its columns by name) as the API shows it, in full or as the public sees it: the
    fields of a `ReportLine`, validated with the whole version in one call rather than line by line."""
    public = {
        "line_no": line["line_no"],
        "category": line["category"],
        "direction": line["direction"],
        "amount": line["amount"],
        "transaction_date": line["transaction_date"],
        "name": line["name"],
        "donor_kind": line["donor_kind"],
        "published_address": line["published_address"],
        "prefecture_code": line["prefecture_code"],
        "occupation": line["occupation"],
        "payer_count": line["payer_count"],
        "event_name": line["event_name"],
        "published": line["published"],
        "corporate_number": line["corporate_number"],
    }
    if not full:
        return public
    return {
        **public,
        "address": line["address"],
        "municipality_code": line["municipality_code"],
        "capital_yen": line["capital_yen"],
        "union_members": line["union_members"],
        "annual_expenses_yen": line["annual_expenses_yen"],
        "foreign": line["is_foreign"],
        "listed_years": line["listed_years"],
        "receives_state_subsidy": line["receives_state_subsidy"],
        "at_public_meeting": line["at_public_meeting"],
    }


def _version_model(
    row: Row[Any], report: Row[Any], organization: Row[Any], lines: Sequence[Mapping[str, Any]], *, full: bool
) -> ReportVersion:
    return ReportVersion.model_validate(
        {
            **_summary_values(row, report, organization),
            "lines": [line_fields(line, full=full) for line in lines],
        }
    )


async def read_version(
    session: AsyncSession, organization: Row[Any], year: int, number: int | None, *, full: bool
) -> ReportVersion:
    organization_id = organization.id
    report = await report_or_404(session, organization_id, year, full=full)
    row = await repository.version(session, report.id, number or report.current_version)
    if row is None:
        raise NotFound(f"The {year} report of organization {organization_id} has no version {number}.")
    lines = await repository.lines_of(session, row.id, published_only=not full)
    return _version_model(row, report, organization, lines, full=full)


async def _filed_version(
    session: AsyncSession, organization: Row[Any], year: int, number: int, lines: Sequence[Mapping[str, Any]]
) -> ReportVersion:
    """The version just filed, in full: its lines as written, rather than read back."""
    report = await repository.get_report(session, organization.id, year)
    assert report is not None, "filed in this transaction"
    row = await repository.version(session, report.id, number)
    assert row is not None, "filed in this transaction"
    return _version_model(row, report, organization, lines, full=True)
