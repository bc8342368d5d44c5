"""A planned route answers exactly as FastAPI's own handler of the same route would."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Path, Query, Security
from fastapi.routing import APIRoute
from fastapi.security import SecurityScopes
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shared.web.planned import Plan, PlannedRoute


async def caller(request: Request, security_scopes: SecurityScopes) -> str:
    request.state.caller_calls = getattr(request.state, "caller_calls", 0) + 1
    token = request.headers.get("authorization", "")
    if not token.startswith("Bearer "):
        raise HTTPException(401, "no token")
    held = token.removeprefix("Bearer ").split(",")
    missing = [scope for scope in security_scopes.scopes if scope not in held]
    if missing:
        raise HTTPException(403, f"missing {missing}")
    return held[0]


async def tenant(request: Request) -> str:
    return request.url.hostname or ""


async def session() -> AsyncIterator[str]:
    yield "session"


class Body(BaseModel):
    name: str


async def paging(
    page_size: Annotated[int, Query(ge=1, le=100)] = 50, page_token: Annotated[str | None, Query()] = None
) -> tuple[int, str | None]:
    return page_size, page_token


def router_of(route_class: type[APIRoute]) -> APIRouter:
    router = APIRouter(route_class=route_class)

    @router.get("/things/{number}")
    async def get_thing(
        request: Request,
        number: Annotated[int, Path(ge=1)],
        who: Annotated[str, Security(caller, scopes=["things:read"])],
        again: Annotated[str, Security(caller, scopes=["things:read"])],
        host: Annotated[str, Depends(tenant)],
        limit: Annotated[int, Query(ge=1, le=10)] = 5,
        accept_language: Annotated[str | None, Header()] = None,
    ) -> Response:
        return JSONResponse(
            {
                "number": number,
                "who": who,
                "same": who == again,
                "host": host,
                "limit": limit,
                "language": accept_language,
                "caller_calls": request.state.caller_calls,
                "route": request.scope["route"].path,
            }
        )

    @router.get("/pages")
    async def get_pages(
        page: Annotated[tuple[int, str | None], Depends(paging)],
        who: Annotated[str, Security(caller, scopes=["things:read"])],
        tag: Annotated[list[str] | None, Query()] = None,
    ) -> Response:
        return JSONResponse({"page": list(page), "who": who, "tag": tag})

    @router.post("/things")
    async def add_thing(body: Body) -> Response:
        return JSONResponse({"name": body.name})

    @router.get("/sessions")
    async def get_session(value: Annotated[str, Depends(session)]) -> Response:
        return JSONResponse({"value": value})

    return router


def _app(route_class: type[APIRoute]) -> FastAPI:
    app = FastAPI()
    app.include_router(router_of(route_class), prefix="/v1")
    return app


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


def test_only_routes_of_the_simple_shape_have_a_plan() -> None:
    routes = {
        (route.path, *sorted(route.methods or ())): route
        for route in router_of(PlannedRoute).routes
        if isinstance(route, APIRoute)
    }
    assert Plan.of(routes["/things/{number}", "GET"]) is not None
    assert Plan.of(routes["/pages", "GET"]) is not None  # a dependency with query parameters
    assert Plan.of(routes["/things", "POST"]) is None  # a body
    assert Plan.of(routes["/sessions", "GET"]) is None  # a dependency with yield


REQUESTS = [
    ("/v1/things/7", {"Authorization": "Bearer things:read"}),
    ("/v1/things/7?limit=3", {"Authorization": "Bearer things:read", "Accept-Language": "ja"}),
    ("/v1/things/7", {}),
    ("/v1/things/7", {"Authorization": "Bearer other:scope"}),
    ("/v1/things/0", {"Authorization": "Bearer things:read"}),
    ("/v1/things/x", {}),
    ("/v1/things/0?limit=99", {"Authorization": "Bearer things:read"}),
    ("/v1/things/7?limit=ten&unknown=1", {"Authorization": "Bearer things:read"}),
    ("/v1/pages", {"Authorization": "Bearer things:read"}),
    ("/v1/pages?page_size=20&page_token=t&tag=a&tag=b", {"Authorization": "Bearer things:read"}),
    # A dependency's bad parameter: refused for the token first when there is none, as FastAPI does.
    ("/v1/pages?page_size=0", {}),
    ("/v1/pages?page_size=0", {"Authorization": "Bearer things:read"}),
    ("/v1/pages?page_size=x&tag=", {"Authorization": "Bearer other:scope"}),
    ("/v1/pages?page_size=101&page_size=2", {"Authorization": "Bearer things:read"}),
]


@pytest.mark.parametrize(("path", "headers"), REQUESTS)
async def test_a_planned_route_answers_as_fastapi_answers(path: str, headers: dict[str, str]) -> None:
    async with _client(_app(PlannedRoute)) as planned, _client(_app(APIRoute)) as documented:
        ours = await planned.get(path, headers=headers)
        theirs = await documented.get(path, headers=headers)
    assert (ours.status_code, ours.json()) == (theirs.status_code, theirs.json())


async def test_a_dependency_asked_twice_with_the_same_scopes_is_called_once() -> None:
    async with _client(_app(PlannedRoute)) as client:
        answer = await client.get("/v1/things/7", headers={"Authorization": "Bearer things:read"})
    assert answer.json()["caller_calls"] == 1
    assert answer.json()["same"] is True


async def test_overridden_dependencies_are_honoured() -> None:
    app = _app(PlannedRoute)

    async def as_tester(request: Request, security_scopes: SecurityScopes) -> str:
        request.state.caller_calls = 0
        return "tester"

    app.dependency_overrides[caller] = as_tester
    async with _client(app) as client:
        answer = await client.get("/v1/things/7")
    assert answer.status_code == 200
    assert answer.json()["who"] == "tester"


async def test_the_other_routes_are_answered_by_fastapi() -> None:
    async with _client(_app(PlannedRoute)) as client:
        added = await client.post("/v1/things", json={"name": "a"})
        refused = await client.post("/v1/things", json={})
        session_value = await client.get("/v1/sessions")
    assert added.json() == {"name": "a"}
    assert refused.status_code == 422
    assert session_value.json() == {"value": "session"}
