"""No log line carries personal data: every operation of the four services, called with one
person's values, answering, refusing and failing, leaves none of them in what the process writes.

The services run under uvicorn in this process, so that everything they log is caught where it
is written: the structured lines (request lines, errors) and the standard library's records
(SQLAlchemy's statements, here switched on as if echo were; uvicorn's; asyncio's). Three kinds
of failure are forced on every operation besides the ordinary answers: input that fails
validation, a database that rejects the statement (with the person's values as its parameters),
and an unexpected error whose message holds those parameters.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.engine import Engine

from services.elections.app import create_app as create_elections
from services.elections.settings import ElectionsSettings
from services.funds.app import create_app as create_funds
from services.funds.settings import FundsSettings
from services.registry.app import create_app as create_registry
from services.registry.settings import RegistrySettings
from services.revitalization.app import create_app as create_revitalization
from services.revitalization.settings import RevitalizationSettings
from shared.auth.scopes import SCOPES
from shared.web import observability
from tests.elections.fake_registry import GATEWAY, FakeRegistry, resident
from tests.revitalization.factories import FakeRegistry as FakeResidenceSource
from tests.support.databases import prepare_database
from tests.support.operations import Call, Operations, Person, request_headers
from tests.support.servers import serving
from tests.support.tokens import TokenFactory, no_revocations

SERVICES = ("registry", "elections", "funds", "revitalization")
PERSON = Person()
ABORTED = 0


class Failures:
    """Switches the database's answers, for every engine in the process, between passes."""

    mode: str | None = None

    def rewrite(
        self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> Any:
        if self.mode == "database":
            # The same statement and parameters, aimed at a table that does not exist.
            statement = re.sub(
                r"^(\s*(?:INSERT INTO|UPDATE|DELETE FROM|SELECT .*? FROM))\s+(\w+)",
                r"\1 \2_gone",
                statement,
                count=1,
                flags=re.S,
            )
        elif self.mode == "unexpected":
            raise RuntimeError(f"could not handle {parameters!r}")
        return statement, parameters


@contextmanager
def captured_logs() -> Iterator[io.StringIO]:
    """Everything the process's writers write, with SQLAlchemy's statements logged too."""
    observability.configure_logging()
    assert observability._lines is not None
    assert observability._stdlib_lines is not None
    capture = io.StringIO()
    lines, stdlib = observability._lines, observability._stdlib_lines
    was_writing_to, stdlib_stream = lines._stream, stdlib.stream
    engine_logger = logging.getLogger("sqlalchemy.engine")
    engine_level = engine_logger.level
    lines._stream = capture
    stdlib.setStream(capture)
    engine_logger.setLevel(logging.INFO)
    try:
        yield capture
    finally:
        lines.write_out()
        lines._stream = was_writing_to
        stdlib.setStream(stdlib_stream)
        engine_logger.setLevel(engine_level)


@dataclass
class Services:
    urls: dict[str, str]
    roll_source: FakeRegistry

    def knows(self, person: Person) -> None:
        """The registry that elections reads (a fake here) holds the person too."""
        birth = date.fromisoformat(person.date_of_birth)
        self.roll_source.add(
            resident(1, line=person.address_line, birth=birth).model_copy(
                update={
                    "resident_code": person.resident_code,
                    "family_name": person.family_name,
                    "given_name": person.given_name,
                }
            )
        )


@pytest.fixture
async def services(sqlite_dir: Path, tokens: TokenFactory) -> AsyncIterator[Services]:
    """The four services on loopback ports, each on a fresh database."""
    databases = {name: await prepare_database(name, sqlite_dir, name=f"logs_{name}") for name in SERVICES}
    roll_source = FakeRegistry()
    apps = {
        "registry": create_registry(
            RegistrySettings(database_url=databases["registry"]),
            jwks_source=tokens.source(),
            revocation_source=no_revocations(),
        ),
        "funds": create_funds(
            FundsSettings(database_url=databases["funds"]),
            jwks_source=tokens.source(),
            revocation_source=no_revocations(),
        ),
        "revitalization": create_revitalization(
            RevitalizationSettings(database_url=databases["revitalization"]),
            jwks_source=tokens.source(),
            revocation_source=no_revocations(),
            residence_source=FakeResidenceSource(),
        ),
    }
    async with AsyncExitStack() as stack:
        gateway_http = await stack.enter_async_context(roll_source.client())
        apps["elections"] = create_elections(
            ElectionsSettings(
                database_url=databases["elections"],
                gateway_url=GATEWAY,
                client_id="elections-service",
                client_secret=SecretStr("s3cret"),
            ),
            jwks_source=tokens.source(),
            revocation_source=no_revocations(),
            gateway_http=gateway_http,
        )
        urls = {name: await stack.enter_async_context(serving(apps[name])) for name in SERVICES}
        yield Services(urls, roll_source)


async def call_every_operation(
    http: httpx.AsyncClient, urls: dict[str, str], token: str, person: Person, *, spoil: bool = False
) -> list[tuple[Call, int]]:
    """Each operation of each service once; `spoil` makes every integer in a body a resident code,
    so that the request fails validation with the person's values in it."""
    answered = []
    for name, url in urls.items():
        document = (await http.get(f"{url}/{name}/openapi.json")).json()
        for call in Operations(document, person).calls():
            body = _spoiled(call.body) if spoil else call.body
            try:
                response = await http.request(
                    call.method,
                    url + call.path,
                    params=call.query,
                    json=body,
                    headers=request_headers(token, person),
                )
            except httpx.RemoteProtocolError:
                answered.append((call, ABORTED))  # a streamed answer cut off by the failure
                continue
            answered.append((call, response.status_code))
    return answered


def _spoiled(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _spoiled(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_spoiled(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return PERSON.individual_number
    return value


async def register(http: httpx.AsyncClient, url: str, token: str) -> Person:
    """The person, registered at birth with the registry; with the resident code it issued."""
    document = (await http.get(f"{url}/registry/openapi.json")).json()
    birth = Operations(document, PERSON).call(
        "/registry/v1/residents", "post", document["paths"]["/registry/v1/residents"]["post"]
    )
    response = await http.post(url + birth.path, json=birth.body, headers=request_headers(token, PERSON))
    assert response.status_code == 201, response.text
    return replace(PERSON, resident_code=response.json()["resident_code"])


async def test_no_operation_leaves_personal_values_in_any_log_line(
    services: Services, tokens: TokenFactory
) -> None:
    token = tokens.token(*SCOPES, audience=list(SERVICES), client_id="logs-test")
    failures = Failures()
    event.listen(Engine, "before_cursor_execute", failures.rewrite, retval=True)
    try:
        with captured_logs() as capture:
            async with httpx.AsyncClient(timeout=30.0) as http:
                person = await register(http, services.urls["registry"], token)
                services.knows(person)
                ordinary = await call_every_operation(http, services.urls, token, person)
                refused = await call_every_operation(http, services.urls, token, person, spoil=True)
                failures.mode = "database"
                rejected = await call_every_operation(http, services.urls, token, person)
                failures.mode = "unexpected"
                crashed = await call_every_operation(http, services.urls, token, person)
                failures.mode = None
            await asyncio.sleep(observability.FLUSH_SECONDS * 3)
    finally:
        event.remove(Engine, "before_cursor_execute", failures.rewrite)
    logged = capture.getvalue()

    # The passes did what they are for: the person was read back, input was refused, and the
    # database's errors and the unexpected ones reached the error handling.
    statuses = {(call.method, call.template): status for call, status in ordinary}
    assert statuses[("GET", "/registry/v1/residents/{resident_code}")] == 200
    spoiled = [status for call, status in refused if _spoiled(call.body) != call.body]
    assert len(spoiled) >= 10
    assert set(spoiled) == {422}
    assert any(status == 500 for _, status in rejected)
    assert any(status == 500 for _, status in crashed)
    assert "unhandled_exception" in logged
    assert "SELECT" in logged  # SQLAlchemy's statements were captured too
    assert len(ordinary) == len(refused) == len(rejected) == len(crashed) > 100

    values = {*PERSON.values(), *person.values()}
    leaks = {value: line for line in logged.splitlines() for value in values if value in line}
    assert not leaks, leaks
