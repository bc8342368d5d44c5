"""The programme catalogue: programmes, their texts, and their fiscal-year rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.programmes import repository
from services.revitalization.programmes.requirements import missing_sections
from shared.contracts.revitalization import (
    Programme,
    ProgrammeFull,
    ProgrammeIn,
    ProgrammeKind,
    ProgrammeTexts,
    ProgrammeUpdate,
    ProgrammeYear,
    ProgrammeYearRules,
)
from shared.db.reads import Reader
from shared.values import utc_now
from shared.web.etag import check_if_match
from shared.web.pagination import PageRequest
from shared.web.problems import Conflict, NotFound, UnprocessableContent


def localized(row: Any, years: list[int], language: str) -> Programme:
    texts = ProgrammeTexts.model_validate(row.texts)
    return Programme(
        code=row.code,
        kind=row.kind,
        language=language,
        name=texts.name.pick(language),
        summary=texts.summary.pick(language),
        fiscal_years=years,
        version=row.version,
    )


def full(row: Any, years: list[int]) -> ProgrammeFull:
    return ProgrammeFull(
        code=row.code, kind=row.kind, texts=row.texts, fiscal_years=years, version=row.version
    )


async def list_programmes(
    *, session: AsyncSession, page: PageRequest, language: str
) -> tuple[list[Programme], str | None]:
    rows, token = await repository.page_programmes(session, page)
    years = await repository.fiscal_years_of(session, [row.code for row in rows])
    return [localized(row, years.get(row.code, []), language) for row in rows], token


async def _row(session: AsyncSession, code: str) -> Any:
    row = await repository.get_programme(session, code)
    if row is None:
        raise NotFound(f"No programme {code}.", slug="programme-not-found")
    return row


async def _with_years(reader: Reader, code: str) -> tuple[Any, list[int]]:
    found = await repository.get_programme_with_years(reader, code)
    if found is None:
        raise NotFound(f"No programme {code}.", slug="programme-not-found")
    return found


async def get_programme(*, reader: Reader, code: str, language: str) -> Programme:
    return localized(*await _with_years(reader, code), language)


async def get_programme_full(*, session: AsyncSession, code: str) -> ProgrammeFull:
    return full(*await _with_years(session, code))


async def create_programme(*, session: AsyncSession, programme: ProgrammeIn) -> ProgrammeFull:
    if await repository.get_programme(session, programme.code) is not None:
        raise Conflict(f"A programme {programme.code} exists already.", slug="programme-exists")
    try:
        await repository.insert_programme(
            session,
            code=programme.code,
            kind=programme.kind.value,
            texts=programme.texts.model_dump(mode="json"),
            now=utc_now(),
        )
    except IntegrityError:
        raise Conflict(f"A programme {programme.code} exists already.", slug="programme-exists") from None
    return ProgrammeFull(**programme.model_dump(), fiscal_years=[], version=1)


async def replace_programme(
    *, session: AsyncSession, code: str, update: ProgrammeUpdate, if_match: str | None
) -> ProgrammeFull:
    row = await _row(session, code)
    check_if_match(if_match, row.version)
    years = (await repository.fiscal_years_of(session, [code])).get(code, [])
    if update.kind.value != row.kind:
        for year in years:
            year_row = await repository.get_year(session, code, year)
            assert year_row is not None
            missing = missing_sections(update.kind, ProgrammeYearRules.model_validate(year_row.rules))
            if missing:
                raise UnprocessableContent(
                    f"The rules of fiscal year {year} lack what a {update.kind.value} programme needs: "
                    f"{', '.join(missing)}.",
                    slug="rules-incomplete",
                    missing=missing,
                )
    version = await repository.update_programme(
        session,
        code=code,
        version=row.version,
        kind=update.kind.value,
        texts=update.texts.model_dump(mode="json"),
        now=utc_now(),
    )
    return ProgrammeFull(code=code, **update.model_dump(), fiscal_years=years, version=version)


async def get_year(*, session: AsyncSession, code: str, fiscal_year: int) -> ProgrammeYear:
    await _row(session, code)
    row = await repository.get_year(session, code, fiscal_year)
    if row is None:
        raise NotFound(
            f"Programme {code} has no rules for fiscal year {fiscal_year}.", slug="rules-not-found"
        )
    return ProgrammeYear(programme_code=code, fiscal_year=fiscal_year, rules=row.rules, version=row.version)


async def put_year(
    *, session: AsyncSession, code: str, fiscal_year: int, rules: ProgrammeYearRules, if_match: str | None
) -> tuple[ProgrammeYear, bool]:
    """Create (True) or replace (False) a fiscal year's rules; replacing needs If-Match."""
    programme = await _row(session, code)
    missing = missing_sections(ProgrammeKind(programme.kind), rules)
    if missing:
        raise UnprocessableContent(
            f"A {programme.kind} programme needs these rule sections: {', '.join(missing)}.",
            slug="rules-incomplete",
            missing=missing,
        )
    document = rules.model_dump(mode="json")
    row = await repository.get_year(session, code, fiscal_year)
    if row is None:
        try:
            await repository.insert_year(
                session, code=code, fiscal_year=fiscal_year, rules=document, now=utc_now()
            )
        except IntegrityError:
            raise Conflict(
                f"The rules of fiscal year {fiscal_year} were created at the same time; read them again.",
                slug="rules-exist",
            ) from None
        return ProgrammeYear(programme_code=code, fiscal_year=fiscal_year, rules=rules, version=1), True
    check_if_match(if_match, row.version)
    version = await repository.update_year(
        session, code=code, fiscal_year=fiscal_year, version=row.version, rules=document, now=utc_now()
    )
    return ProgrammeYear(programme_code=code, fiscal_year=fiscal_year, rules=rules, version=version), False


async def load_rules(
    *, session: AsyncSession, code: str, fiscal_year: int
) -> tuple[ProgrammeKind, ProgrammeYearRules]:
    """The family and rules an application or claim is judged by; 422 when they do not exist."""
    programme = await repository.get_programme(session, code)
    if programme is None:
        raise UnprocessableContent(f"No programme {code}.", slug="programme-not-found")
    row = await repository.get_year(session, code, fiscal_year)
    if row is None:
        raise UnprocessableContent(
            f"Programme {code} has no rules for fiscal year {fiscal_year}.", slug="rules-not-found"
        )
    return ProgrammeKind(programme.kind), ProgrammeYearRules.model_validate(row.rules)
