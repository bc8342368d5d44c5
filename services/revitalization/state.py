"""The revitalization service's own start-up state, beside the shared `ServiceState`: one typed
object (`app.state.revitalization`) read through the `Annotated` aliases below."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.revitalization.cooperation.source import CodeMasterSource
from services.revitalization.eligibility.source import ResidenceHistorySource
from services.revitalization.opendata.giving360 import Publisher
from services.revitalization.settings import RevitalizationSettings


@dataclass(frozen=True, slots=True)
class RevitalizationState:
    settings: RevitalizationSettings
    residence_source: ResidenceHistorySource
    publisher: Publisher
    code_source: CodeMasterSource


def install_state(app: FastAPI, state: RevitalizationState) -> None:
    app.state.revitalization = state


def revitalization_state(request: Request) -> RevitalizationState:
    state: RevitalizationState = request.app.state.revitalization
    return state


# Coroutines: FastAPI would run a plain function in a worker thread.
async def _settings(request: Request) -> RevitalizationSettings:
    return revitalization_state(request).settings


async def _residence_source(request: Request) -> ResidenceHistorySource:
    return revitalization_state(request).residence_source


async def _publisher(request: Request) -> Publisher:
    return revitalization_state(request).publisher


async def _code_source(request: Request) -> CodeMasterSource:
    return revitalization_state(request).code_source


SettingsDep = Annotated[RevitalizationSettings, Depends(_settings)]
ResidenceSourceDep = Annotated[ResidenceHistorySource, Depends(_residence_source)]
PublisherDep = Annotated[Publisher, Depends(_publisher)]
CodeSourceDep = Annotated[CodeMasterSource, Depends(_code_source)]
