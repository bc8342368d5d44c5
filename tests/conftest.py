"""Fixtures every test package uses: test databases, tokens, and running service apps."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvloop
from fastapi import FastAPI

from tests.support.databases import on_postgres
from tests.support.exchanges import Recording, recorded_as_json, undeclared_problems
from tests.support.tokens import TokenFactory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set TEST_DATABASE_URL)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every problem a documented operation returned in this session must be declared for it
    (`x-problem-types`); JICHI_RECORD_EXCHANGES names a file to write what was observed to."""
    if path := os.environ.get("JICHI_RECORD_EXCHANGES"):
        Path(path).write_bytes(recorded_as_json())
    undeclared = undeclared_problems()
    if undeclared:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["problems returned but not declared in the OpenAPI documents:", *undeclared]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """uvloop, as uvicorn runs in production: the gateway's transports must work on it."""
    return {"uvloop": uvloop.new_event_loop}


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    return TokenFactory()


@pytest.fixture(scope="session")
def sqlite_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("databases")


AppClient = Callable[[FastAPI], AbstractAsyncContextManager[httpx.AsyncClient]]


@asynccontextmanager
async def running(app: Any, *, lifespan_app: FastAPI | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and give a client that talks to it in-process."""
    target = lifespan_app or app
    async with target.router.lifespan_context(target):
        recorded = Recording(app, target) if isinstance(target, FastAPI) else app
        transport = httpx.ASGITransport(app=recorded, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
