"""Awards as 360Giving grants: one page at a time, or streamed whole in keyset chunks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from services.revitalization.opendata import repository
from services.revitalization.opendata.giving360 import Publisher, csv_header, csv_row, to_grant
from services.revitalization.results import service as results
from shared.contracts.revitalization import Grant360, Outcome360, ProgrammeTexts
from shared.db.engine import Database
from shared.web.pagination import PageRequest

CHUNK = 500


class _Titles:
    def __init__(self, texts: dict[str, dict[str, Any]], language: str) -> None:
        self.titles = {}
        for code, document in texts.items():
            parsed = ProgrammeTexts.model_validate(document)
            self.titles[code] = (parsed.name.pick(language), parsed.summary.pick(language))

    def grant(self, row: Any, publisher: Publisher, outcomes: dict[int, list[Outcome360]]) -> Grant360:
        title, summary = self.titles.get(row.programme_code, (row.programme_code, row.programme_code))
        return to_grant(_Aware(row), title, summary, publisher, outcomes.get(row.id))


class _Aware:
    """A row whose timestamps carry their UTC offset whatever the database gave back."""

    def __init__(self, row: Any) -> None:
        self._row = row
        self.awarded_at = row.awarded_at
        self.updated_at = row.updated_at

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


async def list_grants(
    *,
    session: AsyncSession,
    page: PageRequest,
    publisher: Publisher,
    language: str,
    fiscal_year: int | None,
    programme_code: str | None,
) -> tuple[list[Grant360], str | None]:
    titles = _Titles(await repository.programme_texts(session), language)
    rows, token = await repository.page_awards(
        session, page, fiscal_year=fiscal_year, programme_code=programme_code
    )
    outcomes = await results.latest_outcomes(session, [row.id for row in rows])
    return [titles.grant(row, publisher, outcomes) for row in rows], token


async def _grants(
    database: Database,
    publisher: Publisher,
    language: str,
    fiscal_year: int | None,
    programme_code: str | None,
) -> AsyncIterator[Grant360]:
    # Each chunk is its own short read: a long download holds no transaction open.
    async with database.sessionmaker() as session:
        titles = _Titles(await repository.programme_texts(session), language)
    after = 0
    while True:
        async with database.sessionmaker() as session:
            rows = await repository.awards_after(
                session, after, CHUNK, fiscal_year=fiscal_year, programme_code=programme_code
            )
            outcomes = await results.latest_outcomes(session, [row.id for row in rows])
        for row in rows:
            yield titles.grant(row, publisher, outcomes)
        if len(rows) < CHUNK:
            return
        after = rows[-1].id


async def stream_json(
    database: Database,
    publisher: Publisher,
    language: str,
    fiscal_year: int | None,
    programme_code: str | None,
) -> AsyncIterator[bytes]:
    yield b'{"grants":['
    first = True
    async for grant in _grants(database, publisher, language, fiscal_year, programme_code):
        yield (b"" if first else b",") + orjson.dumps(grant.model_dump(mode="json"))
        first = False
    yield b"]}"


async def stream_csv(
    database: Database,
    publisher: Publisher,
    language: str,
    fiscal_year: int | None,
    programme_code: str | None,
) -> AsyncIterator[bytes]:
    yield ("\ufeff" + csv_header()).encode()
    async for grant in _grants(database, publisher, language, fiscal_year, programme_code):
        yield csv_row(grant).encode()
