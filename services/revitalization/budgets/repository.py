"""All SQL of budgets and disbursements. Money moves only through conditional UPDATEs checked by
their row count, so two clerks racing for the last yen cannot both win on any database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.revitalization.tables import applications, budgets, disbursements
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


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
            budgets.c.committed <= amount,
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
            budgets.c.committed + amount <= budgets.c.amount,
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


async def disburse_from_application(session: AsyncSession, application_id: int, amount: int) -> bool:
    """Add to the application's paid amount unless that would exceed what was approved."""
    result = await session.execute(
        update(applications)
        .where(
            applications.c.id == application_id,
            applications.c.approved_amount.is_not(None),
            applications.c.disbursed_amount + amount <= applications.c.approved_amount,
        )
        .values(disbursed_amount=applications.c.disbursed_amount + amount, version=applications.c.version + 1)
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
    session: AsyncSession, *, application_id: int, amount: int, paid_date: date, actor: str, at: datetime
) -> int:
    statement = insert(disbursements).values(
        application_id=application_id, amount=amount, paid_date=paid_date, recorded_by=actor, recorded_at=at
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
