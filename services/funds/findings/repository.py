"""All SQL of findings: the year lock, the donations they are computed from, and the findings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    String,
    and_,
    any_,
    case,
    delete,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.bulk import insert_rows
from services.funds.findings.limits import LowestCaps
from services.funds.tables import finding_years, findings, organizations, politicians, report_lines
from shared.contracts.funds import DONATION_CATEGORIES, PARTY_SIDE_KINDS, DonorKind, FindingKind
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def lock_year(session: AsyncSession, year: int) -> None:
    """Serialise findings recomputation per year (row lock on PostgreSQL, write lock on SQLite)."""
    dialect = session.get_bind().dialect.name
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(finding_years)
    statement = upsert.values(year=year, recomputations=1).on_conflict_do_update(
        index_elements=[finding_years.c.year],
        set_={"recomputations": finding_years.c.recomputations + 1},
    )
    await session.execute(statement)


def _donor_keys_of(organization_id: int, year: int) -> Select[Any]:
    """The donors of every version of the organization's report of the year (an amendment's
    previous donors too, whose findings may go)."""
    return select(report_lines.c.donor_key).where(
        report_lines.c.organization_id == organization_id,
        report_lines.c.year == year,
        report_lines.c.donor_key.is_not(None),
    )


async def _of_the_donors(session: AsyncSession, organization_id: int, year: int) -> ColumnElement[bool]:
    """Whether a line is one of the donors' of `_donor_keys_of`. On PostgreSQL the keys are read
    first and bound as one array: the report's lines were written in this transaction, after the
    table's statistics, so a subquery over them is planned as a handful of donors, whose lines are
    then fetched one index probe at a time in key order, which visits the heap at random; with the
    array the planner knows how many there are and reads their lines by heap block."""
    if session.get_bind().dialect.name != "postgresql":
        return report_lines.c.donor_key.in_(_donor_keys_of(organization_id, year))
    keys = list((await session.execute(_donor_keys_of(organization_id, year).distinct())).scalars())
    return report_lines.c.donor_key == any_(literal(keys, postgresql.ARRAY(String)))


async def delete_for(session: AsyncSession, *, year: int, organization_id: int, report_id: int) -> None:
    """The findings of the report's lines, and the totals' findings of its donors in the year (a
    finding of one line, which has a report, stays with that line's report)."""
    await session.execute(delete(findings).where(findings.c.report_id == report_id))
    await session.execute(
        delete(findings).where(
            findings.c.year == year,
            findings.c.report_id.is_(None),
            findings.c.donor_key.in_(_donor_keys_of(organization_id, year)),
        )
    )


class DonationRow(NamedTuple):
    """What the limits need of one donation line (a tuple: read by position, built by thousands)."""

    id: int
    report_id: int
    organization_id: int
    year: int
    version: int
    line_no: int
    donor_key: str | None
    name: str | None
    donor_kind: str
    amount: int
    transaction_date: date
    capital_yen: int | None
    union_members: int | None
    annual_expenses_yen: int | None
    is_foreign: bool
    listed_years: int | None
    receives_state_subsidy: bool
    at_public_meeting: bool
    recipient_kind: str
    recipient_diet_member_name: str | None


_DONATION_COLUMNS = (
    *(report_lines.c[name] for name in DonationRow._fields[:-2]),
    organizations.c.kind.label("recipient_kind"),
    # The recipient's politician: the linked one's name, else the Diet member it names.
    func.coalesce(politicians.c.name, organizations.c.diet_member_name).label("recipient_diet_member_name"),
)


def _amount_where(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """The sum of the donor's amounts on lines where `condition` holds, on every line of the donor."""
    return func.sum(case((condition, report_lines.c.amount), else_=0)).over(
        partition_by=report_lines.c.donor_key
    )


# For this statement's transaction (a pooled connection keeps nothing of it): memory to sort the
# donors' lines by donor for the window sums (a large filing's donors have tens of thousands of lines
# in the year, which the default 4 MB sorted on disk); pages of their lines read ahead while the
# bitmap of them is walked (lines not in memory are otherwise read one at a time); and a plan for the
# donors at hand, since a prepared statement's generic plan would not know how many keys it is given.
_DONATIONS_SETTINGS = text(
    "SELECT set_config('work_mem', '64MB', true), set_config('effective_io_concurrency', '64', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)"
)
_BODIES = [DonorKind.company.value, DonorKind.union.value, DonorKind.other_body.value]
_PARTY_SIDE = [kind.value for kind in PARTY_SIDE_KINDS]


async def donations(
    session: AsyncSession, *, year: int, organization_id: int, report_id: int, caps: LowestCaps
) -> list[DonationRow]:
    """The current donation lines of the year that may give a finding, in id order: the report's
    anonymous lines (they have no donor key), the report's lines a line rule may flag and, of the
    report's donors, every line of a donor over its lowest caps (judged by the kind of its first
    line, as the limits judge it). The donors' totals are window sums: one statement, one pass over
    their lines."""
    of_the_donors = await _of_the_donors(session, organization_id, year)
    current = and_(
        report_lines.c.year == year,
        report_lines.c.is_current.is_(True),
        report_lines.c.category.in_([c.value for c in DONATION_CATEGORIES]),
    )
    joined = report_lines.join(organizations, organizations.c.id == report_lines.c.organization_id).outerjoin(
        politicians, politicians.c.id == organizations.c.politician_id
    )
    anonymous = (
        select(*_DONATION_COLUMNS)
        .select_from(joined)
        .where(current, report_lines.c.organization_id == organization_id, report_lines.c.donor_key.is_(None))
    )
    to_party_side = organizations.c.kind.in_(_PARTY_SIDE)
    of_donors = (
        select(
            *_DONATION_COLUMNS,
            func.first_value(report_lines.c.donor_kind)
            .over(partition_by=report_lines.c.donor_key, order_by=report_lines.c.id)
            .label("judged_as"),
            _amount_where(to_party_side).label("party_side_total"),
            _amount_where(~to_party_side).label("others_total"),
        )
        .select_from(joined)
        .where(current, of_the_donors)
        .subquery()
    )
    line = of_donors.c
    may_give_findings = or_(
        and_(
            line.judged_as == DonorKind.individual.value,
            or_(
                line.party_side_total > caps.individual_party_side,
                line.others_total > caps.individual_others,
            ),
        ),
        and_(line.judged_as.in_(_BODIES), line.party_side_total > caps.body_party_side),
        and_(
            line.judged_as == DonorKind.political_organization.value,
            line.others_total > caps.organization_others,
        ),
        and_(
            line.report_id == report_id,
            or_(
                line.is_foreign.is_(True),
                and_(line.donor_kind == DonorKind.company.value, line.receives_state_subsidy.is_(True)),
                and_(line.donor_kind.in_(_BODIES), line.recipient_kind.not_in(_PARTY_SIDE)),
            ),
        ),
    )
    by_donor = select(*(line[name] for name in DonationRow._fields)).where(may_give_findings)
    statement = union_all(anonymous, by_donor)
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(_DONATIONS_SETTINGS)
    # Ordered in Python: SQLite orders a union only by the name of a result column.
    rows = [DonationRow._make(row) for row in await session.execute(statement)]
    return sorted(rows, key=attrgetter("id"))


async def insert_findings(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, findings, rows)


async def page(
    session: AsyncSession,
    page: PageRequest,
    *,
    year: int | None,
    kind: FindingKind | None,
    organization_id: int | None,
) -> tuple[list[Row[Any]], str | None]:
    """One page of findings in id order, filtered by year, kind and organization if asked."""
    statement = select(findings)
    if year is not None:
        statement = statement.where(findings.c.year == year)
    if kind is not None:
        statement = statement.where(findings.c.kind == kind.value)
    if organization_id is not None:
        statement = statement.where(findings.c.organization_id == organization_id)
    return await keyset_page(
        session,
        statement,
        sort_columns=[findings.c.id],
        page=page,
        fingerprint=query_fingerprint("list_findings", year=year, kind=kind, organization_id=organization_id),
        position_of=lambda row: [row.id],
    )
