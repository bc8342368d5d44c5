"""Placements: created when an award becomes active, extended within the programme's limit, and
checked against the registry after the term for the settlement rate."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.applications import repository as applications
from services.revitalization.eligibility.source import (
    ResidenceHistory,
    ResidenceHistorySource,
    ResidenceSourceUnavailable,
)
from services.revitalization.eligibility.terms import check_extension, check_term, latest_end
from services.revitalization.placements import repository
from services.revitalization.placements.settlement import Outcome, settlement_rates
from shared.contracts.revitalization import Placement, SettlementRate
from shared.values import JST, fiscal_year_of, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import BadGateway, Conflict, NotFound, UnprocessableContent
from shared.web.purpose import encode_purpose


def settlement_purpose(placement_id: int) -> str:
    """The X-Purpose of a placement's settlement check: its registered code, and which placement."""
    return encode_purpose(
        "jichi:purpose:cooperator-settlement",
        f"地域おこし協力隊等の任期後の定住状況の確認 (revitalization placement {placement_id})",
    )


def today() -> date:
    return utc_now().astimezone(JST).date()


def to_model(row: Any) -> Placement:
    return Placement(
        id=row.id,
        application_id=row.application_id,
        programme_code=row.programme_code,
        fiscal_year=row.fiscal_year,
        municipality_code=row.municipality_code,
        start_date=row.start_date,
        end_date=row.end_date,
        original_end_date=row.original_end_date,
        extensions=row.extensions,
        latest_possible_end_date=latest_end(row.start_date, row.max_months),
        still_resident=row.still_resident,
        settlement_checked_on=row.settlement_checked_on,
        version=row.version,
    )


async def create_placement(
    *,
    session: AsyncSession,
    application_id: int,
    programme_code: str,
    fiscal_year: int,
    municipality_code: str,
    resident_code: str | None,
    start_date: date,
    end_date: date,
    min_months: int,
    max_months: int,
) -> int:
    verdict = check_term(start=start_date, end=end_date, min_months=min_months, max_months=max_months)
    if not verdict.eligible:
        raise UnprocessableContent(
            verdict.failed[0].detail, slug="term-out-of-limits", finding=verdict.failed[0].code
        )
    return await repository.insert_placement(
        session,
        {
            "application_id": application_id,
            "programme_code": programme_code,
            "fiscal_year": fiscal_year,
            "municipality_code": municipality_code,
            "resident_code": resident_code,
            "start_date": start_date,
            "end_date": end_date,
            "original_end_date": end_date,
            "max_months": max_months,
            "extensions": 0,
            "still_resident": None,
            "settlement_checked_on": None,
            "version": 1,
        },
    )


async def _row(session: AsyncSession, placement_id: int) -> Any:
    row = await repository.get_placement(session, placement_id)
    if row is None:
        raise NotFound(f"No placement {placement_id}.", slug="placement-not-found")
    return row


async def get_placement(*, session: AsyncSession, placement_id: int) -> Placement:
    return to_model(await _row(session, placement_id))


async def list_placements(
    *, session: AsyncSession, page: PageRequest, programme_code: str | None, municipality_code: str | None
) -> tuple[list[Placement], str | None]:
    rows, token = await repository.page_placements(
        session, page, programme_code=programme_code, municipality_code=municipality_code
    )
    return [to_model(row) for row in rows], token


async def extend_placement(
    *,
    session: AsyncSession,
    placement_id: int,
    new_end_date: date,
    reason: str,
    actor: str,
    if_match: str | None,
) -> Placement:
    row = await _row(session, placement_id)
    check_if_match(if_match, row.version)
    if row.settlement_checked_on is not None:
        raise Conflict("The term has ended and its settlement was checked.", slug="placement-closed")
    verdict = check_extension(
        start=row.start_date, current_end=row.end_date, new_end=new_end_date, max_months=row.max_months
    )
    if not verdict.eligible:
        raise UnprocessableContent(
            verdict.failed[0].detail,
            slug=verdict.failed[0].code,
            latest_possible_end_date=str(latest_end(row.start_date, row.max_months)),
        )
    await repository.update_placement(
        session,
        placement_id,
        expected_version=row.version,
        values={"end_date": new_end_date, "extensions": row.extensions + 1},
    )
    await applications.insert_transition(
        session,
        row.application_id,
        applications.TransitionRecord(
            action="extend",
            from_state="active",
            to_state="active",
            actor=actor,
            at=utc_now(),
            reason=reason,
            changes={"end_date": {"old": row.end_date.isoformat(), "new": new_end_date.isoformat()}},
        ),
    )
    return to_model(await _row(session, placement_id))


def resident_on(history: ResidenceHistory, municipality_code: str, on: date) -> bool:
    return history.alive and any(
        p.municipality_code == municipality_code
        and p.start_date <= on
        and (p.end_date is None or on <= p.end_date)
        for p in history.periods
    )


async def check_settlement(
    *, session: AsyncSession, placement_id: int, as_of_date: date, source: ResidenceHistorySource
) -> Placement:
    row = await _row(session, placement_id)
    if as_of_date <= row.end_date:
        raise UnprocessableContent(
            f"The term runs until {row.end_date}; settlement is checked on a later day.",
            slug="term-not-ended",
        )
    if as_of_date > today():
        raise UnprocessableContent("The as_of_date is in the future.", slug="date-in-future")
    if row.resident_code is None:
        raise Conflict("The placement has no resident code to check.", slug="no-resident-code")
    try:
        history = await source.residence_history(row.resident_code, purpose=settlement_purpose(placement_id))
    except ResidenceSourceUnavailable as exc:
        raise BadGateway(str(exc), slug="registry-unavailable") from None
    still = history is not None and resident_on(history, row.municipality_code, as_of_date)
    await repository.update_placement(
        session,
        placement_id,
        expected_version=row.version,
        values={"still_resident": still, "settlement_checked_on": as_of_date},
    )
    return to_model(await _row(session, placement_id))


async def settlement_rate_list(
    *, session: AsyncSession, programme_code: str | None, municipality_code: str | None
) -> list[SettlementRate]:
    rows = await repository.outcomes(
        session, programme_code=programme_code, municipality_code=municipality_code
    )
    now = today()
    rates = settlement_rates(
        Outcome(r.municipality_code, fiscal_year_of(r.end_date), r.still_resident)
        for r in rows
        if r.end_date < now
    )
    return [
        SettlementRate(
            municipality_code=r.municipality_code,
            cohort_fiscal_year=r.cohort,
            ended=r.ended,
            checked=r.checked,
            settled=r.settled,
            rate_percent=r.rate_percent,
        )
        for r in rates
    ]
