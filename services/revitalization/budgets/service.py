"""Budgets and payments. A budget's commitments never exceed its amount and its disbursements never
exceed its commitments: each move is one conditional UPDATE, so the database settles every race."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.applications import service as applications
from services.revitalization.applications.states import AWARDED
from services.revitalization.budgets import repository
from services.revitalization.budgets.carryover import AwardMoney, carry_over_refusal, paying_year
from services.revitalization.programmes import service as programmes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import (
    ApplicationState,
    Budget,
    CarryOver,
    CarryOverBasis,
    CarryOverIn,
    Disbursement,
    DisbursementIn,
)
from shared.values import utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, NotFound


def to_model(row: Any) -> Budget:
    return Budget(
        programme_code=row.programme_code,
        fiscal_year=row.fiscal_year,
        municipality_code=row.municipality_code,
        amount=row.amount,
        committed=row.committed,
        disbursed=row.disbursed,
        carried_in=row.carried_in,
        carried_out=row.carried_out,
        available=row.amount + row.carried_in - row.carried_out - row.committed,
        version=row.version,
    )


async def get_budget(
    *, session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str
) -> Budget:
    row = await repository.get_budget(session, programme_code, fiscal_year, municipality_code)
    if row is None:
        raise NotFound(
            f"No budget for {programme_code}, fiscal year {fiscal_year}, municipality {municipality_code}.",
            slug="budget-not-found",
        )
    return to_model(row)


async def put_budget(
    *,
    session: AsyncSession,
    programme_code: str,
    fiscal_year: int,
    municipality_code: str,
    amount: int,
    if_match: str | None,
) -> tuple[Budget, bool]:
    await programmes.load_rules(session=session, code=programme_code, fiscal_year=fiscal_year)
    row = await repository.get_budget(session, programme_code, fiscal_year, municipality_code)
    if row is None:
        try:
            await repository.insert_budget(session, programme_code, fiscal_year, municipality_code, amount)
        except IntegrityError:
            raise Conflict(
                "The budget was created at the same time; read it again.", slug="budget-exists"
            ) from None
        created = await repository.get_budget(session, programme_code, fiscal_year, municipality_code)
        return to_model(created), True
    check_if_match(if_match, row.version)
    # Carried-in yen pay their own awards; carried-out yen are spoken for next year.
    floor = row.committed + row.carried_out - row.carried_in
    if amount < floor:
        raise Conflict(
            f"¥{floor:,} of this year's own amount is already committed or carried over; "
            "the budget cannot go below that.",
            slug="budget-below-committed",
            committed=row.committed,
        )
    if not await repository.set_amount(
        session, programme_code, fiscal_year, municipality_code, amount=amount, expected_version=row.version
    ):
        raise Conflict(
            "The budget changed while this request ran (an approval or another edit); read it again.",
            slug="budget-changed",
        )
    updated = await repository.get_budget(session, programme_code, fiscal_year, municipality_code)
    return to_model(updated), False


async def list_budgets(
    *,
    session: AsyncSession,
    page: PageRequest,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
) -> tuple[list[Budget], str | None]:
    rows, token = await repository.page_budgets(
        session,
        page,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
    )
    return [to_model(row) for row in rows], token


def disbursement_model(row: Any) -> Disbursement:
    return Disbursement(
        id=row.id,
        application_id=row.application_id,
        amount=row.amount,
        paid_date=row.paid_date,
        fiscal_year=row.fiscal_year,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def award_money(row: Any) -> AwardMoney:
    return AwardMoney(
        fiscal_year=row.fiscal_year,
        approved=row.approved_amount or 0,
        disbursed=row.disbursed_amount,
        carried_amount=row.carried_amount,
        carried_fiscal_year=row.carried_fiscal_year,
        carried_disbursed=row.carried_disbursed,
    )


async def _awarded_row(*, session: AsyncSession, principal: Principal, application_id: int) -> Any:
    row = await applications.visible_row(session=session, principal=principal, application_id=application_id)
    state = ApplicationState(row.state)
    if state not in AWARDED:
        raise Conflict(f"Nothing can be paid on an application in state {state.value}.", slug="not-awarded")
    return row


async def record_disbursement(
    *, session: AsyncSession, principal: Principal, application_id: int, payment: DisbursementIn
) -> Disbursement:
    row = await _awarded_row(session=session, principal=principal, application_id=application_id)
    amount = payment.amount
    year = paying_year(award_money(row), payment.fiscal_year)
    if year is None:
        raise Conflict(
            f"Fiscal year {payment.fiscal_year} holds no part of this award (fiscal year {row.fiscal_year}"
            + (f", carried into {row.carried_fiscal_year}" if row.carried_amount else "")
            + ").",
            slug="not-a-budget-year-of-the-award",
        )
    carried = year != row.fiscal_year
    if not await repository.disburse_from_application(session, application_id, amount, carried=carried):
        raise Conflict(
            f"¥{amount:,} would take the payments from fiscal year {year} above its part of the award "
            f"(approved ¥{row.approved_amount:,}, carried over ¥{row.carried_amount:,}, "
            f"¥{row.disbursed_amount:,} paid so far).",
            slug="above-approved-amount",
        )
    if not await repository.disburse_from_budget(
        session, row.programme_code, year, row.municipality_code, amount
    ):
        raise Conflict("The payment exceeds the budget's commitments.", slug="budget-inconsistent")
    now = utc_now()
    disbursement_id = await repository.insert_disbursement(
        session,
        application_id=application_id,
        amount=amount,
        paid_date=payment.paid_date,
        fiscal_year=year,
        actor=principal.client_id,
        at=now,
    )
    return Disbursement(
        id=disbursement_id,
        application_id=application_id,
        amount=amount,
        paid_date=payment.paid_date,
        fiscal_year=year,
        recorded_by=principal.client_id,
        recorded_at=now,
    )


def carry_over_model(row: Any) -> CarryOver:
    return CarryOver(
        id=row.id,
        application_id=row.application_id,
        programme_code=row.programme_code,
        municipality_code=row.municipality_code,
        from_fiscal_year=row.from_fiscal_year,
        to_fiscal_year=row.to_fiscal_year,
        amount=row.amount,
        basis=CarryOverBasis(row.basis),
        reason=row.reason,
        decided_on=row.decided_on,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


async def _ensure_budget(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality: str
) -> None:
    """The next year's budget row, created at amount 0 if the municipality has none yet (the carried-in
    yen are not its own amount); needs the programme's rules for that year."""
    if await repository.get_budget(session, programme_code, fiscal_year, municipality) is not None:
        return
    await programmes.load_rules(session=session, code=programme_code, fiscal_year=fiscal_year)
    try:
        async with session.begin_nested():
            await repository.insert_budget(session, programme_code, fiscal_year, municipality, 0)
    except IntegrityError:
        pass  # created meanwhile by another request: it is there, which is all this needs


async def carry_over(
    *, session: AsyncSession, principal: Principal, application_id: int, request: CarryOverIn
) -> CarryOver:
    """Carry an unspent part of an award into the next fiscal year: the award, both budgets and the
    audit record change in one transaction, each step a conditional write, or nothing changes."""
    row = await _awarded_row(session=session, principal=principal, application_id=application_id)
    refusal = carry_over_refusal(award_money(row), request.amount, request.decided_on)
    if refusal is not None:
        slug, detail = refusal
        raise Conflict(detail, slug=slug)
    target = row.fiscal_year + 1
    await _ensure_budget(session, row.programme_code, target, row.municipality_code)
    if not await repository.carry_award_over(
        session, application_id, expected_version=row.version, amount=request.amount, to_fiscal_year=target
    ):
        raise Conflict(
            "The award changed while this request ran (a payment or another carry-over); read it again.",
            slug="award-changed",
        )
    key = (row.programme_code, row.municipality_code)
    if not await repository.carry_out(session, key[0], row.fiscal_year, key[1], request.amount):
        raise Conflict("The award year's budget does not hold this commitment.", slug="budget-inconsistent")
    if not await repository.carry_in(session, key[0], target, key[1], request.amount):
        raise Conflict("The next year's budget could not be found.", slug="budget-inconsistent")
    carry_over_id = await repository.insert_carry_over(
        session,
        application_id=application_id,
        programme_code=row.programme_code,
        municipality_code=row.municipality_code,
        from_fiscal_year=row.fiscal_year,
        to_fiscal_year=target,
        amount=request.amount,
        basis=request.basis.value,
        reason=request.reason,
        decided_on=request.decided_on,
        recorded_by=principal.client_id,
        recorded_at=utc_now(),
    )
    return carry_over_model(await repository.get_carry_over(session, carry_over_id))


async def list_carry_overs(
    *, session: AsyncSession, principal: Principal, application_id: int, page: PageRequest
) -> tuple[list[CarryOver], str | None]:
    await applications.visible_row(session=session, principal=principal, application_id=application_id)
    rows, token = await repository.page_carry_overs(session, application_id, page)
    return [carry_over_model(row) for row in rows], token


async def list_disbursements(
    *, session: AsyncSession, principal: Principal, application_id: int, page: PageRequest
) -> tuple[list[Disbursement], str | None]:
    await applications.visible_row(session=session, principal=principal, application_id=application_id)
    rows, token = await repository.page_disbursements(session, application_id, page)
    return [disbursement_model(row) for row in rows], token
