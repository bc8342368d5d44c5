"""Request pieces every domain's handlers share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Path, Query

from shared.contracts.revitalization import ApplicationState
from shared.values import FiscalYear, LocalGovernmentCode

AcceptLanguage = Annotated[
    str | None,
    Header(
        alias="Accept-Language",
        max_length=500,
        description="ja (default), en, or ja-x-easy for easy Japanese (やさしい日本語).",
    ),
]
IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]
ProgrammeCodePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{1,62}$")]
ProgrammeFilter = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_-]{1,62}$")]
FiscalYearFilter = Annotated[FiscalYear | None, Query()]
MunicipalityFilter = Annotated[LocalGovernmentCode | None, Query()]
StateFilter = Annotated[ApplicationState | None, Query()]


@dataclass(frozen=True, slots=True)
class AwardFilters:
    """Which awards a public list covers: by fiscal year, programme and municipality, each optional."""

    fiscal_year: int | None = None
    programme_code: str | None = None
    municipality_code: str | None = None


async def _award_filters(
    fiscal_year: FiscalYearFilter = None,
    programme_code: ProgrammeFilter = None,
    municipality_code: MunicipalityFilter = None,
) -> AwardFilters:
    return AwardFilters(fiscal_year, programme_code, municipality_code)


AwardFiltersDep = Annotated[AwardFilters, Depends(_award_filters)]
