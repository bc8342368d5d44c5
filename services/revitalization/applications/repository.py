"""All SQL of applications and their audit trail."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from functools import cache, lru_cache
from typing import Any

from asyncpg.exceptions import CheckViolationError
from sqlalchemy import (
    Row,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    insert,
    select,
    true,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from services.revitalization.budgets import repository as budgets_repository
from services.revitalization.tables import application_transitions, applications, budgets
from shared.db.engine import Database
from shared.db.reads import CompiledRead, Reader
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def insert_application(session: AsyncSession, values: dict[str, Any]) -> int:
    new_id = await session.scalar(insert(applications).values(**values).returning(applications.c.id))
    return int(new_id)


Writer = AsyncSession | Database
"""Where a change is written: in the session's transaction, or (PostgreSQL only) one statement at a
time, each committing by itself on a connection lent for it alone (`Database.driver_fetch`)."""

_ONE_APPLICATION = CompiledRead(select(applications).where(applications.c.id == bindparam("application_id")))


async def get_application(reader: Writer, application_id: int) -> Any | None:
    """The application's row; on PostgreSQL outside a transaction, sent straight to the driver."""
    return await _ONE_APPLICATION.one_or_none(reader, application_id=application_id)


# The listing's columns, its JSON documents as their stored text (see service.list_applications).
LISTED = (
    applications.c.id,
    applications.c.programme_code,
    applications.c.fiscal_year,
    applications.c.municipality_code,
    cast(applications.c.applicant, Text).label("applicant"),
    applications.c.title,
    applications.c.description,
    applications.c.requested_amount,
    applications.c.approved_amount,
    applications.c.disbursed_amount,
    cast(applications.c.details, Text).label("details"),
    applications.c.state,
    cast(applications.c.eligibility, Text).label("eligibility"),
    applications.c.version,
    applications.c.created_at,
    applications.c.updated_at,
)


_LISTING_ORDER = [applications.c.id]


@cache
def _listing_read(filter_names: tuple[str, ...], *, after: bool) -> CompiledRead:
    """The listing for one set of filters, built and compiled once with every value a bound parameter:
    building it, compiling it and going through a session on each request cost more CPU than the rest
    of the read. On PostgreSQL it goes straight to the driver, outside a transaction."""
    statement = select(*LISTED).where(
        *(applications.c[name] == bindparam(name, type_=applications.c[name].type) for name in filter_names)
    )
    if after:
        statement = statement.where(applications.c.id > bindparam("after_id", type_=applications.c.id.type))
    return CompiledRead(statement.order_by(applications.c.id).limit(bindparam("limit")))


@lru_cache(maxsize=4096)
def _listing_fingerprint(
    client_id: str | None,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
    state: str | None,
) -> str:
    return query_fingerprint(
        "list_applications",
        client_id=client_id,
        programme_code=programme_code,
        fiscal_year=fiscal_year,
        municipality_code=municipality_code,
        state=state,
    )


async def page_application_documents(
    reader: Reader,
    page: PageRequest,
    *,
    client_id: str | None,
    programme_code: str | None,
    fiscal_year: int | None,
    municipality_code: str | None,
    state: str | None,
) -> tuple[list[Any], str | None]:
    """A keyset page in id order (as `keyset_page` pages, with the statement compiled once per filter set),
    each row with the columns of `LISTED` as attributes."""
    filters = {
        "client_id": client_id,
        "programme_code": programme_code,
        "fiscal_year": fiscal_year,
        "municipality_code": municipality_code,
        "state": state,
    }
    given = {name: value for name, value in filters.items() if value is not None}
    fingerprint = _listing_fingerprint(client_id, programme_code, fiscal_year, municipality_code, state)
    parameters: dict[str, Any] = {**given, "limit": page.page_size + 1}
    if page.page_token:
        [parameters["after_id"]] = page.codec.decode(page.page_token, fingerprint, _LISTING_ORDER)
    rows = await _listing_read(tuple(given), after=bool(page.page_token)).all(reader, **parameters)
    if len(rows) <= page.page_size:
        return rows, None
    rows = rows[: page.page_size]
    return rows, page.codec.encode(fingerprint, [rows[-1].id])


@dataclass(frozen=True, slots=True)
class TransitionRecord:
    """One line of the audit trail, written with the change it describes."""

    action: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    reason: str | None
    changes: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BudgetCommitment:
    """Money an approval takes from its budget, only if the budget has it left."""

    programme_code: str
    fiscal_year: int
    municipality_code: str
    amount: int


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the database saw as it refused a change with a budget commitment: the application's
    version (None: there is no such application) and its budget's version and room (None: there is
    no such budget). On PostgreSQL these are what the refusing statement read, in its own snapshot.
    `raced`: the statement saw the version and the room it needed, but another approval took the
    room before it had the budget's lock (the budget's CHECK refused it): nothing else is known."""

    version: int | None
    budget_version: int | None
    budget_room: int | None
    raced: bool = False


_ROOM_CHECK = "ck_budgets_committed_within_amount"
"""The budget's CHECK (committed within amount): it refuses an approval's commitment that lost the
room between its statement's snapshot and the budget's lock (see `_transition_statement`)."""


def _lost_the_room(error: BaseException) -> bool:
    """The budget's CHECK refused the commitment: raised by asyncpg, or wrapped by SQLAlchemy."""
    orig = error.orig if isinstance(error, DBAPIError) else None
    return any(
        isinstance(cause, CheckViolationError) and cause.constraint_name == _ROOM_CHECK
        for cause in (error, orig, orig.__cause__ if orig is not None else None)
    )


async def apply_transition(
    writer: Writer,
    application_id: int,
    *,
    expected_version: int,
    values: dict[str, Any],
    record: TransitionRecord,
    commitment: BudgetCommitment | None = None,
) -> Any | Refusal | None:
    """The application as changed, with its audit line (and its budget commitment) written; or, when
    the application is no longer at `expected_version` or the budget cannot take the commitment (then
    nothing changed), None without a commitment and what the database saw (`Refusal`) with one.

    PostgreSQL: one statement, atomic by itself, so it may run without a transaction around it and
    the budget every approval of a municipality races for is locked only while it runs; SQLite, which
    runs one writer at a time, takes the steps in turn (inside the caller's transaction). Given the
    `Database`, a statement that lost its connection is sent once more (`Database.driver_fetch`):
    it is a compare-and-set on the application's version, so a second run after a first that did
    commit finds the version moved and changes nothing.
    """
    if isinstance(writer, Database) or writer.get_bind().dialect.name == "postgresql":
        statement = _transition_statement(tuple(values), with_commitment=commitment is not None)
        parameters = {
            "application_id": application_id,
            "expected_version": expected_version,
            "new_version": expected_version + 1,
            **{f"new_{name}": value for name, value in values.items()},
            # Field by field: `asdict` would deep-copy the changes document on every request.
            **{f"audit_{name}": getattr(record, name) for name in _AUDITED},
            **(
                {}
                if commitment is None
                else {f"budget_{name}": getattr(commitment, name) for name in _COMMITMENT}
            ),
        }
        if commitment is None:
            return await statement.one_or_none(writer, **parameters)
        try:
            if isinstance(writer, AsyncSession):
                # In the caller's transaction: a refused commitment undoes this statement alone.
                async with writer.begin_nested():
                    row = await statement.one_or_none(writer, **parameters)
            else:
                row = await statement.one_or_none(writer, **parameters)
        except (CheckViolationError, DBAPIError) as error:
            if not _lost_the_room(error):
                raise
            return Refusal(expected_version, None, None, raced=True)
        if row is not None and row.id is not None:
            return row
        # Refused: the same statement read why (no row at all: there is no such application).
        if row is None:
            return Refusal(None, None, None)
        return Refusal(row.seen_version, row.budget_version, row.budget_room)
    session = writer
    # One writer at a time: the budget read by the guard cannot change before its UPDATE below.
    guards = [] if commitment is None else [exists(select(budgets.c.version).where(_has_room(commitment)))]
    result = await session.execute(
        update(applications)
        .where(applications.c.id == application_id, applications.c.version == expected_version, *guards)
        .values(**values, version=expected_version + 1)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None if commitment is None else await _refusal(session, application_id, commitment)
    if commitment is not None and not await budgets_repository.commit(session, **asdict(commitment)):
        raise RuntimeError("the budget changed inside its own write transaction")
    await insert_transition(session, application_id, record)
    return await get_application(session, application_id)


# Why an approval was refused, read in the refusing transaction (SQLite, one writer at a time): the
# application's version now, and the budget's room (NULL when there is no budget).
_REFUSAL = CompiledRead(
    select(
        applications.c.version,
        budgets.c.version.label("budget_version"),
        budgets_repository.room().label("budget_room"),
    )
    .select_from(
        applications.outerjoin(
            budgets,
            and_(
                budgets.c.programme_code == bindparam("programme_code"),
                budgets.c.fiscal_year == bindparam("fiscal_year"),
                budgets.c.municipality_code == bindparam("municipality_code"),
            ),
        )
    )
    .where(applications.c.id == bindparam("application_id"))
)


async def _refusal(session: AsyncSession, application_id: int, commitment: BudgetCommitment) -> Refusal:
    facts = await _REFUSAL.one_or_none(
        session,
        application_id=application_id,
        programme_code=commitment.programme_code,
        fiscal_year=commitment.fiscal_year,
        municipality_code=commitment.municipality_code,
    )
    return Refusal(None, None, None) if facts is None else Refusal(*facts)


def _has_room(commitment: BudgetCommitment) -> ColumnElement[bool]:
    key = budgets_repository.budget_key(
        commitment.programme_code, commitment.fiscal_year, commitment.municipality_code
    )
    return key & (commitment.amount <= budgets_repository.room())


_AUDITED = tuple(field.name for field in fields(TransitionRecord))
_COMMITMENT = tuple(field.name for field in fields(BudgetCommitment))


@cache
def _transition_statement(value_names: tuple[str, ...], *, with_commitment: bool) -> CompiledRead:
    """WITH updated, logged[, committed] SELECT ...: the application updated at its expected version
    (a compare-and-set), its audit line from the update, and for an approval the commitment last.

    The budget's row, which every approval of a municipality races for, is locked by its UPDATE and
    held until this statement commits: so that UPDATE comes after the application's update and its
    audit line, which then no longer run while the others wait. The application is updated only if
    the statement's snapshot shows the budget's room; the budget takes the amount without asking
    again, because its row, rechecked once its lock is had, may have less room than the snapshot
    showed (another approval committed meanwhile): then the budget's CHECK (committed within amount)
    refuses the row and the whole statement, and nothing is written (`_ROOM_CHECK`). With a
    commitment the SELECT also reads, in its snapshot, the application's version and its budget's
    room, so a refusal is explained by the statement that made it.

    Built once per shape, with every value a bound parameter: building it costs more than running it.
    A SELECT whose CTEs write, so a `CompiledRead` sends it: compiled once, straight to the driver in
    an autocommit session or given the `Database` (where it commits by itself), through SQLAlchemy
    inside a transaction.
    """
    amount = bindparam("budget_amount", type_=budgets.c.amount.type)
    budget = and_(
        budgets.c.programme_code == bindparam("budget_programme_code"),
        budgets.c.fiscal_year == bindparam("budget_fiscal_year"),
        budgets.c.municipality_code == bindparam("budget_municipality_code"),
    )
    guards: list[ColumnElement[bool]] = []
    if with_commitment:
        guards.append(exists(select(budgets.c.version).where(budget, amount <= budgets_repository.room())))
    updated = (
        update(applications)
        .where(
            applications.c.id == bindparam("application_id"),
            applications.c.version == bindparam("expected_version"),
            *guards,
        )
        .values(
            {
                **{name: bindparam(f"new_{name}", type_=applications.c[name].type) for name in value_names},
                "version": bindparam("new_version"),
            }
        )
        .returning(*applications.c)
        .cte("updated")
    )
    logged = (
        insert(application_transitions)
        .from_select(
            ["application_id", *_AUDITED],
            select(
                updated.c.id,
                *(
                    bindparam(f"audit_{name}", type_=application_transitions.c[name].type)
                    for name in _AUDITED
                ),
            ),
        )
        .returning(application_transitions.c.id)
        .cte("logged")
    )
    if not with_commitment:
        return CompiledRead(select(updated).add_cte(logged))
    committed = (
        update(budgets)
        # Reading `logged` makes the audit line, and through it the application's update, run first.
        .where(budget, exists(select(logged.c.id)))
        .values(committed=budgets.c.committed + amount, version=budgets.c.version + 1)
        .returning(budgets.c.version)
        .cte("committed")
    )
    # Whatever happened, one row: the changed application (NULLs when refused), then what this
    # statement's snapshot holds of the application's version and its budget, which explain a refusal.
    seen = applications.alias("seen")
    return CompiledRead(
        select(
            *updated.c,
            select(committed.c.version).scalar_subquery().label("committed_version"),
            seen.c.version.label("seen_version"),
            budgets.c.version.label("budget_version"),
            budgets_repository.room().label("budget_room"),
        )
        .select_from(seen.outerjoin(updated, true()).outerjoin(budgets, budget))
        .where(seen.c.id == bindparam("application_id"))
    )


async def insert_transition(session: AsyncSession, application_id: int, record: TransitionRecord) -> None:
    await session.execute(
        insert(application_transitions).values(application_id=application_id, **asdict(record))
    )


async def page_transitions(
    session: AsyncSession, application_id: int, page: PageRequest
) -> tuple[list[Row[Any]], str | None]:
    return await keyset_page(
        session,
        select(application_transitions).where(application_transitions.c.application_id == application_id),
        sort_columns=[application_transitions.c.id],
        page=page,
        fingerprint=query_fingerprint("list_application_transitions", application_id=application_id),
        position_of=lambda row: [row.id],
    )
