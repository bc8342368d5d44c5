"""The statistics' SQL: aggregates over the register's believed history (no copy of it).

A resident's history as now believed is their current row in `residents` (valid from its
`valid_from`, open-ended) and their `resident_versions` not superseded (valid [`valid_from`,
`valid_to`)); these never overlap. A person counts in a municipality on a date when the state
valid on that date is `active` there; before their first state (registration) they count nowhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import ColumnElement, Subquery

from services.registry.statistics.rules import band_cutoffs
from services.registry.tables import resident_events, resident_versions, residents

ACTIVE = "active"


def believed_states(*, on: date | None = None, codes: Sequence[str] | None = None) -> Subquery:
    """Every believed state (or, with `on`, the one valid on that date) of every resident."""

    def part(table: Any, valid_to: ColumnElement[Any], *conditions: ColumnElement[bool]) -> Select[Any]:
        where: list[ColumnElement[bool]] = list(conditions)
        if on is not None:
            where.append(table.c.valid_from <= on)
            if table is resident_versions:
                where.append(valid_to > on)
            where.append(table.c.status == ACTIVE)
        if codes is not None:
            where.append(table.c.local_government_code.in_(list(codes)))
        return select(
            table.c.resident_code,
            table.c.local_government_code,
            table.c.sex,
            table.c.date_of_birth,
            table.c.household_id,
            table.c.status,
            table.c.event_type,
            table.c.from_abroad,
            table.c.valid_from,
            valid_to.label("valid_to"),
        ).where(*where)

    current = part(residents, cast(null(), Date))
    past = part(resident_versions, resident_versions.c.valid_to, resident_versions.c.superseded_at.is_(None))
    return union_all(current, past).subquery("states")


def band_expression(column: ColumnElement[Any], on: date) -> ColumnElement[int]:
    cutoffs = band_cutoffs(on)
    return case(
        *((column > cutoff, literal(index)) for index, cutoff in enumerate(cutoffs)),
        else_=literal(len(cutoffs)),
    )


async def population_counts(
    session: AsyncSession, on: date, codes: Sequence[str] | None
) -> list[dict[str, Any]]:
    states = believed_states(on=on, codes=codes)
    band = band_expression(states.c.date_of_birth, on).label("band")
    statement = select(
        states.c.local_government_code, states.c.sex, band, func.count().label("count")
    ).group_by(states.c.local_government_code, states.c.sex, band)
    return [dict(row._mapping) for row in await session.execute(statement)]


async def household_counts(session: AsyncSession, on: date, codes: Sequence[str] | None) -> dict[str, int]:
    """Households on a date: distinct household ids among the people active in each municipality."""
    states = believed_states(on=on, codes=codes)
    statement = select(states.c.local_government_code, func.count(states.c.household_id.distinct())).group_by(
        states.c.local_government_code
    )
    return {code: int(count) for code, count in await session.execute(statement)}


def _transitions() -> Subquery:
    """Each believed state with the one before it (the same resident's, by valid time)."""
    states = believed_states()
    by_resident = states.c.resident_code
    in_time = states.c.valid_from
    return select(
        states.c.resident_code,
        states.c.local_government_code,
        states.c.sex,
        states.c.status,
        states.c.event_type,
        states.c.from_abroad,
        states.c.valid_from,
        func.lag(states.c.local_government_code)
        .over(partition_by=by_resident, order_by=in_time)
        .label("previous_code"),
        func.lag(states.c.sex).over(partition_by=by_resident, order_by=in_time).label("previous_sex"),
        func.lag(states.c.status).over(partition_by=by_resident, order_by=in_time).label("previous_status"),
    ).subquery("transitions")


async def flow_counts(
    session: AsyncSession, from_date: date, to_date: date, codes: Sequence[str] | None
) -> list[dict[str, Any]]:
    """Entries (記載) and removals (消除) in [from_date, to_date): a state that makes a resident
    active in a municipality they were not active in the state before is an increase there, and
    the reverse a decrease in the municipality left; the event that began the state tells which."""
    t = _transitions()
    in_period = and_(t.c.valid_from >= from_date, t.c.valid_from < to_date)
    came = and_(
        t.c.status == ACTIVE,
        or_(
            t.c.previous_status.is_(None),
            t.c.previous_status != ACTIVE,
            t.c.previous_code != t.c.local_government_code,
        ),
    )
    left = and_(
        t.c.previous_status == ACTIVE,
        or_(t.c.status != ACTIVE, t.c.previous_code != t.c.local_government_code),
    )
    increase_kind = case(
        (t.c.event_type == "birth", literal("births")),
        (and_(t.c.event_type == "move_in", t.c.from_abroad == true()), literal("moves_in_abroad")),
        (t.c.event_type == "move_in", literal("moves_in_domestic")),
        else_=literal("other_increases"),
    ).label("kind")
    to_abroad = exists().where(
        resident_events.c.resident_code == t.c.resident_code,
        resident_events.c.type == "move_out",
        resident_events.c.effective_date == t.c.valid_from,
        resident_events.c.to_abroad == true(),
    )
    decrease_kind = case(
        (t.c.event_type == "death", literal("deaths")),
        (and_(t.c.event_type == "move_out", to_abroad), literal("moves_out_abroad")),
        (t.c.event_type == "move_out", literal("moves_out_domestic")),
        else_=literal("other_decreases"),
    ).label("kind")
    increases = select(
        t.c.local_government_code.label("local_government_code"), t.c.sex.label("sex"), increase_kind
    ).where(in_period, came)
    decreases = select(
        t.c.previous_code.label("local_government_code"), t.c.previous_sex.label("sex"), decrease_kind
    ).where(in_period, left)
    if codes is not None:
        increases = increases.where(t.c.local_government_code.in_(list(codes)))
        decreases = decreases.where(t.c.previous_code.in_(list(codes)))
    flows = union_all(increases, decreases).subquery("flows")
    statement = select(
        flows.c.local_government_code, flows.c.sex, flows.c.kind, func.count().label("count")
    ).group_by(flows.c.local_government_code, flows.c.sex, flows.c.kind)
    return [dict(row._mapping) for row in await session.execute(statement)]
