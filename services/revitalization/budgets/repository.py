"""All SQL of budgets and disbursements. Money moves only through conditional UPDATEs checked by
their row count, so two clerks racing for the last yen cannot both win on any database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.revitalization.tables import applications, budgets, carry_overs, disbursements
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


def room() -> ColumnElement[int]:
    """What a budget may still commit: its amount, plus what came in with carried-over awards, less what
    went out to the next year, less what is committed."""
    return budgets.c.amount + budgets.c.carried_in - budgets.c.carried_out - budgets.c.committed


def budget_key(programme_code: str, fiscal_year: int, municipality_code: str) -> ColumnElement[bool]:
    return (
        (budgets.c.programme_code == programme_code)
        & (budgets.c.fiscal_year == fiscal_year)
        & (budgets.c.municipality_code == municipality_code)
    )


_ONE_BUDGET = select(budgets).where(
    budgets.c.programme_code == bindparam("programme_code"),
    budgets.c.fiscal_year == bindparam("fiscal_year"),
    budgets.c.municipality_code == bindparam("municipality_code"),
)


async def get_budget(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str
) -> Row[Any] | None:
    parameters = {
        "programme_code": programme_code,
        "fiscal_year": fiscal_year,
        "municipality_code": municipality_code,
    }
    return (await session.execute(_ONE_BUDGET, parameters)).one_or_none()


async def insert_budget(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> None:
    await session.execute(
        insert(budgets).values(
            programme_code=programme_code,
            fiscal_year=fiscal_year,
            municipality_code=municipality_code,
            amount=amount,
            committed=0,
            disbursed=0,
            version=1,
        )
    )


async def set_amount(
    session: AsyncSession,
    programme_code: str,
    fiscal_year: int,
    municipality_code: str,
    *,
    amount: int,
    expected_version: int,
) -> bool:
    """Change the amount unless it would fall below what is committed (checked in the UPDATE)."""
    result = await session.execute(
        update(budgets)
        .where(
            budget_key(programme_code, fiscal_year, municipality_code),
            budgets.c.version == expected_version,
            budgets.c.committed + budgets.c.carried_out - budgets.c.carried_in <= amount,
        )
        .values(amount=amount, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def commit(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> bool:
    result = await session.execute(
        update(budgets)
        .where(
            budget_key(programme_code, fiscal_year, municipality_code),
            amount <= room(),
        )
        .values(committed=budgets.c.committed + amount, version=budgets.c.version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def release(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> bool:
    result = await session.execute(
        update(budgets)
        .where(
            budget_key(programme_code, fiscal_year, municipality_code),
            budgets.c.committed - amount >= budgets.c.disbursed,
        )
        .values(committed=budgets.c.committed - amount, version=budgets.c.version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def disburse_from_application(
    session: AsyncSession, application_id: int, amount: int, *, carried: bool
) -> bool:
    """Add to the application's paid amount unless that would exceed what the paying year holds of the
    award: the award year's share (approved less carried over) or the carried-over part."""
    paid = applications.c.disbursed_amount + amount
    if carried:
        guard = applications.c.carried_disbursed + amount <= applications.c.carried_amount
        values = {"carried_disbursed": applications.c.carried_disbursed + amount}
    else:
        guard = paid - applications.c.carried_disbursed <= (
            applications.c.approved_amount - applications.c.carried_amount
        )
        values = {}
    result = await session.execute(
        update(applications)
        .where(applications.c.id == application_id, applications.c.approved_amount.is_not(None), guard)
        .values(disbursed_amount=paid, version=applications.c.version + 1, **values)
    )
    return getattr(result, "rowcount", 0) == 1


async def disburse_from_budget(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> bool:
    result = await session.execute(
        update(budgets)
        .where(
            budget_key(programme_code, fiscal_year, municipality_code),
            budgets.c.disbursed + amount <= budgets.c.committed,
        )
        .values(disbursed=budgets.c.disbursed + amount, version=budgets.c.version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_disbursement(
    session: AsyncSession,
    *,
    application_id: int,
    amount: int,
    paid_date: date,
    fiscal_year: int,
    actor: str,
    at: datetime,
) -> int:
    statement = insert(disbursements).values(
        application_id=application_id,
        amount=amount,
        paid_date=paid_date,
        fiscal_year=fiscal_year,
        recorded_by=actor,
        recorded_at=at,
    )
    return int(await session.scalar(statement.returning(disbursements.c.id)))


async def page_budgets(
    session: AsyncSession,
    page: PageRequest,
    *,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
) -> tuple[list[Row[Any]], str | None]:
    statement = select(budgets)
    filters = {
        "programme_code": programme_code,
        "fiscal_year": fiscal_year,
        "municipality_code": municipality_code,
    }
    for name, value in filters.items():
        if value is not None:
            statement = statement.where(budgets.c[name] == value)
    return await keyset_page(
        session,
        statement,
        sort_columns=[budgets.c.programme_code, budgets.c.fiscal_year, budgets.c.municipality_code],
        page=page,
        fingerprint=query_fingerprint("list_budgets", **filters),
        position_of=lambda row: [row.programme_code, row.fiscal_year, row.municipality_code],
    )


async def page_disbursements(
    session: AsyncSession, application_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(disbursements).where(disbursements.c.application_id == application_id),
        sort_columns=[disbursements.c.id],
        page=page,
        fingerprint=query_fingerprint("list_disbursements", application_id=application_id),
        position_of=lambda row: [row.id],
    )


async def carry_award_over(
    session: AsyncSession, application_id: int, *, expected_version: int, amount: int, to_fiscal_year: int
) -> bool:
    """Mark the award carried over, only if it is still at the version the rules were checked against
    (no payment or other carry-over came between) and has not been carried over."""
    result = await session.execute(
        update(applications)
        .where(
            applications.c.id == application_id,
            applications.c.version == expected_version,
            applications.c.carried_amount == 0,
        )
        .values(carried_amount=amount, carried_fiscal_year=to_fiscal_year, version=expected_version + 1)
    )
    return getattr(result, "rowcount", 0) == 1


async def carry_out(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> bool:
    """The award year's budget: the carried yen leave its commitments (never below what it paid) and
    count as carried out, so they cannot be committed again this year."""
    result = await session.execute(
        update(budgets)
        .where(
            budget_key(programme_code, fiscal_year, municipality_code),
            budgets.c.committed - amount >= budgets.c.disbursed,
        )
        .values(
            committed=budgets.c.committed - amount,
            carried_out=budgets.c.carried_out + amount,
            version=budgets.c.version + 1,
        )
    )
    return getattr(result, "rowcount", 0) == 1


async def carry_in(
    session: AsyncSession, programme_code: str, fiscal_year: int, municipality_code: str, amount: int
) -> bool:
    """The next year's budget: the carried yen arrive committed to their award, beside its own amount."""
    result = await session.execute(
        update(budgets)
        .where(budget_key(programme_code, fiscal_year, municipality_code))
        .values(
            committed=budgets.c.committed + amount,
            carried_in=budgets.c.carried_in + amount,
            version=budgets.c.version + 1,
        )
    )
    return getattr(result, "rowcount", 0) == 1


async def insert_carry_over(session: AsyncSession, **values: Any) -> int:
    return int(await session.scalar(insert(carry_overs).values(**values).returning(carry_overs.c.id)))


async def get_carry_over(session: AsyncSession, carry_over_id: int) -> Row[Any]:
    return (await session.execute(select(carry_overs).where(carry_overs.c.id == carry_over_id))).one()


async def page_carry_overs(
    session: AsyncSession, application_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(carry_overs).where(carry_overs.c.application_id == application_id),
        sort_columns=[carry_overs.c.id],
        page=page,
        fingerprint=query_fingerprint("list_carry_overs", application_id=application_id),
        position_of=lambda row: [row.id],
    )
