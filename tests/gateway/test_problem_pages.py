"""A problem type URN resolves at the gateway: /problems/<slug> in JSON, or HTML for a browser."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from services.gateway import problem_pages
from services.gateway.openapi import EXAMPLES, OPERATIONS
from shared.auth.scopes import SCOPES
from shared.web.app import install_openapi
from shared.web.problem_types import PROBLEM_TYPES
from shared.web.problems import install_problem_handlers
from tests.support.exchanges import Recording


@pytest.fixture
async def pages() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI(openapi_url="/gateway/openapi.json")
    install_problem_handlers(app)
    app.include_router(problem_pages.router)
    install_openapi(app, operations=OPERATIONS, scopes=SCOPES, examples=EXAMPLES, proxied=False)
    transport = httpx.ASGITransport(app=Recording(app, app))
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client


async def test_a_type_resolves_to_its_entry_in_both_languages(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/problems/etag-mismatch")
    assert response.status_code == 200
    entry = response.json()
    assert entry["type"] == "urn:jichi:problem:etag-mismatch"
    assert entry["statuses"] == [412]
    assert entry["en"]["action"]
    assert entry["ja"]["title"] == "ETag 不一致"


async def test_a_browser_gets_a_page(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/problems/purpose-required", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.headers["content-type"].startswith("text/html")
    assert "利用事由が必要" in response.text
    assert "urn:jichi:problem:purpose-required" in response.text


async def test_the_index_lists_the_whole_catalogue(pages: httpx.AsyncClient) -> None:
    listed = (await pages.get("/problems")).json()
    assert [entry["slug"] for entry in listed] == list(PROBLEM_TYPES)
    html = (await pages.get("/problems", headers={"Accept": "text/html"})).text
    assert html.count("<li>") == len(PROBLEM_TYPES)


async def test_an_unknown_type_is_a_problem_itself(pages: httpx.AsyncClient) -> None:
    response = await pages.get("/problems/no-such-type")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:jichi:problem:not-found"
    assert (await pages.get("/problems/Not%20A%20Slug")).status_code == 422
