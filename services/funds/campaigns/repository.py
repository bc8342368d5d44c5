"""All SQL of campaign finance reports, their versions and their lines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.funds.bulk import insert_rows
from services.funds.tables import campaign_report_lines, campaign_report_versions, campaign_reports
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint


async def get_report(session: AsyncSession, report_id: int) -> Row[Any] | None:
    statement = select(campaign_reports).where(campaign_reports.c.id == report_id)
    return (await session.execute(statement)).one_or_none()


async def report_of_candidate(session: AsyncSession, election_id: int, candidate_id: int) -> Row[Any] | None:
    statement = select(campaign_reports).where(
        campaign_reports.c.election_id == election_id, campaign_reports.c.candidate_id == candidate_id
    )
    return (await session.execute(statement)).one_or_none()


async def create_report(
    session: AsyncSession,
    *,
    election_id: int,
    candidate_id: int,
    contest_id: int,
    candidate_name: str,
    polling_day: date,
    filer_client_id: str,
    filed_at: datetime,
    public_until: date,
) -> int:
    result = await session.execute(
        insert(campaign_reports)
        .values(
            election_id=election_id,
            candidate_id=candidate_id,
            contest_id=contest_id,
            candidate_name=candidate_name,
            polling_day=polling_day,
            filer_client_id=filer_client_id,
            current_version=1,
            version=1,
            first_filed_at=filed_at,
            public_until=public_until,
        )
        .returning(campaign_reports.c.id)
    )
    return int(result.scalar_one())


async def retire_current(session: AsyncSession, report_id: int) -> None:
    await session.execute(
        update(campaign_report_versions)
        .where(
            campaign_report_versions.c.report_id == report_id, campaign_report_versions.c.is_current.is_(True)
        )
        .values(is_current=False)
    )


async def insert_version(session: AsyncSession, values: dict[str, Any]) -> int:
    result = await session.execute(
        insert(campaign_report_versions).values(**values).returning(campaign_report_versions.c.id)
    )
    return int(result.scalar_one())


async def insert_lines(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, campaign_report_lines, rows)


async def versions(session: AsyncSession, report_id: int) -> list[Row[Any]]:
    statement = (
        select(campaign_report_versions)
        .where(campaign_report_versions.c.report_id == report_id)
        .order_by(campaign_report_versions.c.version)
    )
    return list((await session.execute(statement)).all())


async def version(session: AsyncSession, report_id: int, number: int) -> Row[Any] | None:
    statement = select(campaign_report_versions).where(
        campaign_report_versions.c.report_id == report_id, campaign_report_versions.c.version == number
    )
    return (await session.execute(statement)).one_or_none()


async def lines_of(
    session: AsyncSession, report_version_id: int, *, published_only: bool
) -> list[dict[str, Any]]:
    """The version's lines, donations then expenditures, each in order, as columns by name."""
    statement = select(campaign_report_lines).where(
        campaign_report_lines.c.report_version_id == report_version_id
    )
    if published_only:
        statement = statement.where(campaign_report_lines.c.published.is_(True))
    result = await session.execute(
        statement.order_by(campaign_report_lines.c.direction, campaign_report_lines.c.line_no)
    )
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


async def page(
    session: AsyncSession, page: PageRequest, *, election_id: int | None, public_on: date | None
) -> tuple[list[Row[Any]], str | None]:
    """One page of reports in id order; with `public_on`, only those still public that day."""
    statement = select(campaign_reports)
    if election_id is not None:
        statement = statement.where(campaign_reports.c.election_id == election_id)
    if public_on is not None:
        statement = statement.where(campaign_reports.c.public_until >= public_on)
    return await keyset_page(
        session,
        statement,
        sort_columns=[campaign_reports.c.id],
        page=page,
        fingerprint=query_fingerprint(
            "list_campaign_reports", election_id=election_id, public=public_on is not None
        ),
        position_of=lambda row: [row.id],
    )


async def current_versions(session: AsyncSession, report_ids: Sequence[int]) -> dict[int, Row[Any]]:
    """The current version of each report, by report id."""
    statement = select(campaign_report_versions).where(
        campaign_report_versions.c.report_id.in_(report_ids), campaign_report_versions.c.is_current.is_(True)
    )
    return {row.report_id: row for row in await session.execute(statement)}
