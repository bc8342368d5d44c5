"""Request pieces every domain's handlers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Query, Request

from services.revitalization.eligibility.source import ResidenceHistorySource
from shared.contracts.revitalization import ApplicationState
from shared.values import FiscalYear, LocalGovernmentCode

IfMatch = Annotated[str | None, Header(alias="If-Match", max_length=200)]
ProgrammeCodePath = Annotated[str, Path(pattern=r"^[a-z][a-z0-9_-]{1,62}$")]
ProgrammeFilter = Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9_-]{1,62}$")]
FiscalYearFilter = Annotated[FiscalYear | None, Query()]
MunicipalityFilter = Annotated[LocalGovernmentCode | None, Query()]
StateFilter = Annotated[ApplicationState | None, Query()]


def residence_source(request: Request) -> ResidenceHistorySource:
    source: ResidenceHistorySource = request.app.state.residence_source
    return source
