"""Filing campaign finance reports and their amendments; who sees which detail of them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds import municipalities
from services.funds.campaigns import repository, rules
from services.funds.campaigns.caps import NoReportError, UnknownOfficeError, cap_amount, office_of, rule_on
from services.funds.campaigns.elections_client import Candidacy, read_candidacy
from services.funds.reports.publication import filed_late, public_until
from services.funds.reports.service import sees_full_detail
from services.funds.rulebook import FundsRules
from services.funds.tables import campaign_reports
from shared.auth.tokens import Principal
from shared.contracts.campaign_finance import (
    CampaignAmendmentIn,
    CampaignDonation,
    CampaignExpenditure,
    CampaignFinding,
    CampaignLinesIn,
    CampaignReportIn,
    CampaignReportSummary,
    CampaignReportVersion,
    SpendingCap,
)
from shared.http.gateway_client import GatewayClient
from shared.values import utc_now
from shared.web.etag import update_versioned
from shared.web.pagination import Page, PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent

RulesOn = Callable[[date], FundsRules]
ClientFactory = Callable[[], GatewayClient]


def _exists(candidate_id: int) -> Conflict:
    return Conflict(
        f"Candidate {candidate_id}'s campaign report is already filed; file an amendment instead.",
        slug="campaign-report-exists",
    )


def spending_cap(candidacy: Candidacy) -> SpendingCap:
    """The cap of the candidacy's contest on its polling day, from the roll's registered voters."""
    contest = candidacy.contest
    entry = municipalities.municipality(contest.local_government_codes[0])
    try:
        office = office_of(contest.kind, entry.kind if entry else None, entry.name if entry else None)
    except NoReportError as error:
        raise UnprocessableContent(str(error), slug="campaign-report-not-required") from None
    except UnknownOfficeError as error:
        raise UnprocessableContent(str(error), slug="campaign-cap-unknown") from None
    rule = rule_on(office, candidacy.election.polling_day)
    return SpendingCap(
        office=office,
        registered_voters=candidacy.registered_voters,
        seats=contest.seats,
        per_voter_yen=rule.per_voter_yen,
        fixed_yen=rule.fixed_yen,
        amount=cap_amount(rule, registered_voters=candidacy.registered_voters, seats=contest.seats),
        effective_from=rule.effective_from,
        article=rule.article,
        verified=rule.verified,
    )


def _line_rows(
    body: CampaignLinesIn, *, version_id: int, year: int, rules_on: RulesOn
) -> list[dict[str, Any]]:
    donated, spent = rules.published_flags(body.donations, body.expenditures, year=year, rules=rules_on)
    common = {"report_version_id": version_id}
    rows: list[dict[str, Any]] = []
    for line_no, (d, published) in enumerate(zip(body.donations, donated, strict=True)):
        rows.append(
            {
                **common,
                "direction": "donation",
                "line_no": line_no,
                "amount": d.amount,
                "transaction_date": d.transaction_date,
                "name": d.name,
                "donor_kind": d.donor_kind.value,
                "purpose": None,
                "counts_toward_cap": False,
                "address": d.address,
                "municipality_code": d.municipality_code,
                "prefecture_code": d.municipality_code[:2] if d.municipality_code else None,
                "published_address": municipalities.published_address(d.municipality_code),
                "is_foreign": d.foreign,
                "published": published,
            }
        )
    for line_no, (e, published) in enumerate(zip(body.expenditures, spent, strict=True)):
        rows.append(
            {
                **common,
                "direction": "expenditure",
                "line_no": line_no,
                "amount": e.amount,
                "transaction_date": e.transaction_date,
                "name": e.payee,
                "donor_kind": None,
                "purpose": e.purpose,
                "counts_toward_cap": e.counts_toward_cap,
                "address": e.address,
                "municipality_code": e.municipality_code,
                "prefecture_code": e.municipality_code[:2] if e.municipality_code else None,
                "published_address": municipalities.published_address(e.municipality_code),
                "is_foreign": False,
                "published": published,
            }
        )
    return rows


async def _write_version(
    session: AsyncSession,
    *,
    report_id: int,
    number: int,
    body: CampaignLinesIn,
    reason: str | None,
    filed_by: str,
    cap: SpendingCap,
    polling_day: date,
    first_filed_at: datetime,
    rules_on: RulesOn,
) -> None:
    found = rules.findings(
        body.donations, body.expenditures, cap=cap, polling_day=polling_day, first_filed_at=first_filed_at
    )
    version_id = await repository.insert_version(
        session,
        {
            "report_id": report_id,
            "version": number,
            "is_current": True,
            "reason": reason,
            "filed_at": utc_now(),
            "filed_by": filed_by,
            "treasurer_name": body.treasurer_name,
            "income_total": sum(d.amount for d in body.donations),
            "expenditure_total": sum(e.amount for e in body.expenditures),
            "counted_expenditure_total": rules.counted_total(body.expenditures),
            "spending_cap": cap.model_dump(mode="json"),
            "findings": [finding.model_dump(mode="json") for finding in found],
        },
    )
    await repository.insert_lines(
        session, _line_rows(body, version_id=version_id, year=polling_day.year, rules_on=rules_on)
    )


async def file_report(
    *,
    session: AsyncSession,
    principal: Principal,
    body: CampaignReportIn,
    rules_on: RulesOn,
    clients: ClientFactory,
) -> CampaignReportVersion:
    if await repository.report_of_candidate(session, body.election_id, body.candidate_id) is not None:
        raise _exists(body.candidate_id)
    candidacy = await read_candidacy(clients(), election_id=body.election_id, candidate_id=body.candidate_id)
    cap = spending_cap(candidacy)
    now = utc_now()
    try:
        report_id = await repository.create_report(
            session,
            election_id=body.election_id,
            candidate_id=body.candidate_id,
            contest_id=candidacy.contest.id,
            candidate_name=candidacy.candidate.name,
            polling_day=candidacy.election.polling_day,
            filer_client_id=principal.client_id,
            filed_at=now,
            public_until=public_until(now.date(), rules_on(now.date())),
        )
    except IntegrityError:
        raise _exists(body.candidate_id) from None
    await _write_version(
        session,
        report_id=report_id,
        number=1,
        body=body,
        reason=None,
        filed_by=principal.client_id,
        cap=cap,
        polling_day=candidacy.election.polling_day,
        first_filed_at=now,
        rules_on=rules_on,
    )
    return await read_version(session, report_id, 1, full=True)


async def report_or_404(
    session: AsyncSession, report_id: int, principal: Principal | None
) -> tuple[Row[Any], bool]:
    """The report and whether the caller sees it in full; the public sees it only while it is public."""
    report = await repository.get_report(session, report_id)
    if report is None:
        raise NotFound(f"No campaign report {report_id}.")
    full = sees_full_detail(principal, report)
    if not full and report.public_until < utc_now().date():
        raise NotFound(f"No campaign report {report_id}.")
    return report, full


async def report_to_amend(session: AsyncSession, principal: Principal, report_id: int) -> Row[Any]:
    """Only the client that filed the report amends it; to any other it does not exist."""
    report = await repository.get_report(session, report_id)
    if report is None or report.filer_client_id != principal.client_id:
        raise NotFound(f"No campaign report {report_id} of this filer to amend.")
    return report


async def amend_report(
    *,
    session: AsyncSession,
    principal: Principal,
    report: Row[Any],
    body: CampaignAmendmentIn,
    rules_on: RulesOn,
    clients: ClientFactory,
) -> CampaignReportVersion:
    """A new current version; the cap is computed afresh from the roll as it stands."""
    candidacy = await read_candidacy(
        clients(), election_id=report.election_id, candidate_id=report.candidate_id
    )
    cap = spending_cap(candidacy)
    number = report.current_version + 1
    await update_versioned(
        session,
        campaign_reports,
        campaign_reports.c.id == report.id,
        expected_version=report.version,
        values={"current_version": number},
    )
    await repository.retire_current(session, report.id)
    await _write_version(
        session,
        report_id=report.id,
        number=number,
        body=body,
        reason=body.reason,
        filed_by=principal.client_id,
        cap=cap,
        polling_day=report.polling_day,
        first_filed_at=report.first_filed_at,
        rules_on=rules_on,
    )
    return await read_version(session, report.id, number, full=True)


def _summary_values(row: Row[Any], report: Row[Any]) -> dict[str, Any]:
    due = rules.due_date(report.polling_day)
    return {
        "report_id": report.id,
        "election_id": report.election_id,
        "candidate_id": report.candidate_id,
        "contest_id": report.contest_id,
        "candidate_name": report.candidate_name,
        "polling_day": report.polling_day,
        "due_date": due,
        "filed_late": filed_late(report.first_filed_at, due),
        "version": row.version,
        "amends_version": row.version - 1 if row.version > 1 else None,
        "amended_by_version": row.version + 1 if row.version < report.current_version else None,
        "is_current": row.is_current,
        "reason": row.reason,
        "filed_at": row.filed_at,
        "treasurer_name": row.treasurer_name,
        "income_total": row.income_total,
        "expenditure_total": row.expenditure_total,
        "counted_expenditure_total": row.counted_expenditure_total,
        "spending_cap": SpendingCap.model_validate(row.spending_cap),
    }


async def list_page(
    session: AsyncSession, page: PageRequest, *, election_id: int | None, principal: Principal | None
) -> Page[CampaignReportSummary]:
    """Current versions; the public sees the reports still public, the regulator every one."""
    public_on = None if principal is not None and principal.has("funds:review") else utc_now().date()
    reports, token = await repository.page(session, page, election_id=election_id, public_on=public_on)
    current = await repository.current_versions(session, [report.id for report in reports])
    items = [CampaignReportSummary(**_summary_values(current[report.id], report)) for report in reports]
    return Page[CampaignReportSummary](items=items, next_page_token=token)


async def list_versions(session: AsyncSession, report: Row[Any]) -> list[CampaignReportSummary]:
    return [
        CampaignReportSummary(**_summary_values(row, report))
        for row in await repository.versions(session, report.id)
    ]


def _donation(line: Mapping[str, Any], *, full: bool) -> CampaignDonation:
    private = (
        {
            "address": line["address"],
            "municipality_code": line["municipality_code"],
            "foreign": line["is_foreign"],
        }
        if full
        else {}
    )
    return CampaignDonation(
        line_no=line["line_no"],
        name=line["name"],
        donor_kind=line["donor_kind"],
        amount=line["amount"],
        transaction_date=line["transaction_date"],
        published_address=line["published_address"],
        prefecture_code=line["prefecture_code"],
        published=line["published"],
        **private,
    )


def _expenditure(line: Mapping[str, Any], *, full: bool) -> CampaignExpenditure:
    private = {"address": line["address"], "municipality_code": line["municipality_code"]} if full else {}
    return CampaignExpenditure(
        line_no=line["line_no"],
        payee=line["name"],
        purpose=line["purpose"],
        amount=line["amount"],
        transaction_date=line["transaction_date"],
        counts_toward_cap=line["counts_toward_cap"],
        published_address=line["published_address"],
        published=line["published"],
        **private,
    )


def _version_model(
    row: Row[Any], report: Row[Any], lines: Sequence[Mapping[str, Any]], *, full: bool
) -> CampaignReportVersion:
    return CampaignReportVersion(
        **_summary_values(row, report),
        donations=[_donation(line, full=full) for line in lines if line["direction"] == "donation"],
        expenditures=[_expenditure(line, full=full) for line in lines if line["direction"] == "expenditure"],
        findings=[CampaignFinding.model_validate(f) for f in row.findings] if full else None,
    )


async def read_version(
    session: AsyncSession, report_id: int, number: int | None, *, full: bool
) -> CampaignReportVersion:
    report = await repository.get_report(session, report_id)
    if report is None:
        raise NotFound(f"No campaign report {report_id}.")
    row = await repository.version(session, report.id, number or report.current_version)
    if row is None:
        raise NotFound(f"Campaign report {report_id} has no version {number}.")
    lines = await repository.lines_of(session, row.id, published_only=not full)
    return _version_model(row, report, lines, full=full)
