"""Request pieces every domain's handlers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query

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
