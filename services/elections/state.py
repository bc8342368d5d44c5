"""The elections service's own start-up state, typed, beside the shared `ServiceState`.

Read by dependencies through the `Annotated` aliases below, never as loose `app.state.*` attributes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.elections.checkins.service import CheckInDesk
from services.elections.overseas.source import EmigrationSource
from services.elections.roll.readlog import ReadLog
from services.elections.roll.source import ResidentSource


@dataclass(slots=True)
class ElectionsState:
    """`resident_source`: where the roll reads residents;
    `read_log`: where reads of the roll are logged; `emigration_source`: where the overseas roll reads
    the move abroad (the registry through the gateway); `check_in_desk`: where check-ins are recorded
    in one statement (PostgreSQL; None on SQLite); `roll_builds`: the build workers this process
    runs, by build id."""

    resident_source: ResidentSource
    read_log: ReadLog
    emigration_source: EmigrationSource
    check_in_desk: CheckInDesk | None = None
    roll_builds: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def live_builds(self) -> frozenset[int]:
        return frozenset(self.roll_builds)


def elections_state_of(app: FastAPI) -> ElectionsState:
    state: ElectionsState = app.state.elections
    return state


def elections_state(request: Request) -> ElectionsState:
    return elections_state_of(request.app)


def live_builds(request: Request) -> frozenset[int]:
    """The builds this process is running."""
    return elections_state_of(request.app).live_builds


def resident_source(request: Request) -> ResidentSource:
    return elections_state_of(request.app).resident_source


def read_log(request: Request) -> ReadLog:
    return elections_state_of(request.app).read_log


def emigration_source(request: Request) -> EmigrationSource:
    return elections_state_of(request.app).emigration_source


ElectionsStateDep = Annotated[ElectionsState, Depends(elections_state)]
LiveBuildsDep = Annotated[frozenset[int], Depends(live_builds)]
ResidentSourceDep = Annotated[ResidentSource, Depends(resident_source)]
ReadLogDep = Annotated[ReadLog, Depends(read_log)]
EmigrationSourceDep = Annotated[EmigrationSource, Depends(emigration_source)]
