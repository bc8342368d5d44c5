"""Budgets and payments. A budget's commitments never exceed its amount and its disbursements never
exceed its commitments: each move is one conditional UPDATE, so the database settles every race."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.applications import service as applications
from services.revitalization.applications.states import AWARDED
from services.revitalization.budgets import repository
from services.revitalization.programmes import service as programmes
from shared.auth.tokens import Principal
from shared.contracts.revitalization import ApplicationState, Budget, Disbursement
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
        available=row.amount - row.committed,
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
    if amount < row.committed:
        raise Conflict(
            f"¥{row.committed:,} is already committed; the budget cannot go below that.",
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
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


async def record_disbursement(
    *, session: AsyncSession, principal: Principal, application_id: int, amount: int, paid_date: date
) -> Disbursement:
    row = await applications.visible_row(session=session, principal=principal, application_id=application_id)
    state = ApplicationState(row.state)
    if state not in AWARDED:
        raise Conflict(f"Nothing can be paid on an application in state {state.value}.", slug="not-awarded")
    if not await repository.disburse_from_application(session, application_id, amount):
        raise Conflict(
            f"¥{amount:,} would take the payments above the approved ¥{row.approved_amount:,} "
            f"(¥{row.disbursed_amount:,} paid so far).",
            slug="above-approved-amount",
        )
    if not await repository.disburse_from_budget(
        session, row.programme_code, row.fiscal_year, row.municipality_code, amount
    ):
        raise Conflict("The payment exceeds the budget's commitments.", slug="budget-inconsistent")
    now = utc_now()
    disbursement_id = await repository.insert_disbursement(
        session,
        application_id=application_id,
        amount=amount,
        paid_date=paid_date,
        actor=principal.client_id,
        at=now,
    )
    return Disbursement(
        id=disbursement_id,
        application_id=application_id,
        amount=amount,
        paid_date=paid_date,
        recorded_by=principal.client_id,
        recorded_at=now,
    )


async def list_disbursements(
    *, session: AsyncSession, principal: Principal, application_id: int, page: PageRequest
) -> tuple[list[Disbursement], str | None]:
    await applications.visible_row(session=session, principal=principal, application_id=application_id)
    rows, token = await repository.page_disbursements(session, application_id, page)
    return [disbursement_model(row) for row in rows], token
