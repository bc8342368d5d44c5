"""The elections service's own start-up state, typed, beside the shared `ServiceState`.

Read by dependencies through the `Annotated` aliases below, never as loose `app.state.*` attributes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.elections.roll.readlog import ReadLog
from services.elections.roll.source import ResidentSource


@dataclass(slots=True)
class ElectionsState:
    """`reads`: the database engine in autocommit, for reads of one statement (no BEGIN and
    COMMIT around them: one round trip); `resident_source`: where the roll reads residents;
    `read_log`: where reads of the roll are logged; `roll_builds`: the build workers this process
    runs, by build id."""

    reads: AsyncEngine
    resident_source: ResidentSource
    read_log: ReadLog
    roll_builds: dict[int, asyncio.Task[None]] = field(default_factory=dict)

    @property
    def live_builds(self) -> frozenset[int]:
        return frozenset(self.roll_builds)


def elections_state_of(app: FastAPI) -> ElectionsState:
    state: ElectionsState = app.state.elections
    return state


def elections_state(request: Request) -> ElectionsState:
    return elections_state_of(request.app)


async def read_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """A connection for one read statement, outside any transaction."""
    async with elections_state_of(request.app).reads.connect() as connection:
        yield connection


def live_builds(request: Request) -> frozenset[int]:
    """The builds this process is running."""
    return elections_state_of(request.app).live_builds


def resident_source(request: Request) -> ResidentSource:
    return elections_state_of(request.app).resident_source


def read_log(request: Request) -> ReadLog:
    return elections_state_of(request.app).read_log


ReadDep = Annotated[AsyncConnection, Depends(read_connection, scope="function")]
ElectionsStateDep = Annotated[ElectionsState, Depends(elections_state)]
LiveBuildsDep = Annotated[frozenset[int], Depends(live_builds)]
ResidentSourceDep = Annotated[ResidentSource, Depends(resident_source)]
ReadLogDep = Annotated[ReadLog, Depends(read_log)]
