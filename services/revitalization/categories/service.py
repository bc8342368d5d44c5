"""The register of municipality categories: which category (fiscal strength) a municipality is in for a
fiscal year. The programmes' rules say what each category gets; the register only classifies."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.categories import repository
from shared.contracts.revitalization import (
    MunicipalityCategory,
    MunicipalityCategoryBatchIn,
    MunicipalityCategoryChange,
)
from shared.values import is_prefecture_code, utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def to_model(row: Any) -> MunicipalityCategory:
    return MunicipalityCategory(
        fiscal_year=row.fiscal_year,
        municipality_code=row.municipality_code,
        category=row.category,
        version=row.version,
        updated_at=row.updated_at,
    )


def _municipalities_only(codes: list[str]) -> None:
    prefectures = [code for code in codes if is_prefecture_code(code)]
    if prefectures:
        raise UnprocessableContent(
            f"The register classifies municipalities; {', '.join(prefectures)} "
            f"{'is a prefecture' if len(prefectures) == 1 else 'are prefectures'}.",
            slug="not-a-municipality",
            codes=prefectures,
        )


async def category_of(*, session: AsyncSession, fiscal_year: int, municipality_code: str) -> str | None:
    """The registered category, or None when the register does not list the municipality that year."""
    row = await repository.get_entry(session, fiscal_year, municipality_code)
    return None if row is None else str(row.category)


async def get_entry(
    *, session: AsyncSession, fiscal_year: int, municipality_code: str
) -> MunicipalityCategory:
    row = await repository.get_entry(session, fiscal_year, municipality_code)
    if row is None:
        raise NotFound(
            f"The register lists no category for {municipality_code} in fiscal year {fiscal_year}.",
            slug="municipality-category-not-found",
        )
    return to_model(row)


async def put_entry(
    *,
    session: AsyncSession,
    fiscal_year: int,
    municipality_code: str,
    category: str,
    actor: str,
    if_match: str | None,
) -> tuple[MunicipalityCategory, bool]:
    """Create (True) or change (False) one entry; changing needs If-Match."""
    _municipalities_only([municipality_code])
    row = await repository.get_entry(session, fiscal_year, municipality_code)
    now = utc_now()
    if row is None:
        try:
            await repository.insert_entries(
                session, fiscal_year, [(municipality_code, category)], actor=actor, at=now
            )
        except IntegrityError:
            raise Conflict(
                "The entry was created at the same time; read it again.", slug="municipality-category-exists"
            ) from None
        created = True
    else:
        check_if_match(if_match, row.version)
        await repository.update_entry(
            session,
            fiscal_year,
            municipality_code,
            expected_version=row.version,
            category=category,
            actor=actor,
            at=now,
        )
        if category != row.category:
            await repository.insert_changes(
                session, fiscal_year, [(municipality_code, row.category, category)], actor, now
            )
        created = False
    return await get_entry(
        session=session, fiscal_year=fiscal_year, municipality_code=municipality_code
    ), created


async def create_entries(*, session: AsyncSession, batch: MunicipalityCategoryBatchIn, actor: str) -> int:
    """All entries or none; an entry that exists already refuses the batch (PUT with If-Match changes it)."""
    codes = [entry.municipality_code for entry in batch.entries]
    _municipalities_only(codes)
    existing = await repository.existing_codes(session, batch.fiscal_year, codes)
    if existing:
        raise Conflict(
            f"The register already lists {len(existing)} of these municipalities for fiscal year "
            f"{batch.fiscal_year} (first: {existing[0]}); change them one by one with If-Match.",
            slug="municipality-category-exists",
            codes=existing,
        )
    try:
        await repository.insert_entries(
            session,
            batch.fiscal_year,
            [(entry.municipality_code, entry.category) for entry in batch.entries],
            actor=actor,
            at=utc_now(),
        )
    except IntegrityError:
        raise Conflict(
            "Some entries were created at the same time; read the register again.",
            slug="municipality-category-exists",
        ) from None
    return len(batch.entries)


async def list_entries(
    *, session: AsyncSession, page: PageRequest, fiscal_year: int, category: str | None
) -> tuple[list[MunicipalityCategory], str | None]:
    rows, token = await repository.page_entries(session, page, fiscal_year=fiscal_year, category=category)
    return [to_model(row) for row in rows], token


async def list_changes(
    *, session: AsyncSession, page: PageRequest, fiscal_year: int, municipality_code: str
) -> tuple[list[MunicipalityCategoryChange], str | None]:
    rows, token = await repository.page_changes(
        session, page, fiscal_year=fiscal_year, municipality_code=municipality_code
    )
    return [MunicipalityCategoryChange.model_validate(row, from_attributes=True) for row in rows], token
