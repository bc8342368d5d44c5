"""A route answered first by its shape handler: what it takes it answers, the rest FastAPI does."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, FastAPI, Path, Query
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from shared.web.routes import path_parameter, shaped_route

router = APIRouter()


async def _plain(request: Request) -> Response | None:
    if request.scope["query_string"]:
        return None
    number = path_parameter(request, "number")
    return JSONResponse({"number": number, "by": "shape", "route": request.scope["route"].path})


@shaped_route(router, "/numbers/{number}", method="GET", answered_first_by_handler=_plain)
async def get_number(
    number: Annotated[int, Path(ge=1)], twice: Annotated[bool, Query()] = False
) -> dict[str, object]:
    return {"number": number * 2 if twice else number, "by": "fastapi"}


def _client() -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(router, prefix="/v1")
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_shape_handler_answers_what_it_takes_and_routing_named_the_route() -> None:
    async with _client() as client:
        answer = await client.get("/v1/numbers/7")
    assert answer.json() == {"number": 7, "by": "shape", "route": "/numbers/{number}"}


async def test_other_shapes_are_answered_by_fastapi() -> None:
    async with _client() as client:
        answer = await client.get("/v1/numbers/7", params={"twice": "true"})
    assert answer.json() == {"number": 14, "by": "fastapi"}


async def test_a_path_parameter_fails_validation_as_fastapi_would_fail_it() -> None:
    async with _client() as client:
        plain = await client.get("/v1/numbers/0")
        documented = await client.get("/v1/numbers/0", params={"twice": "false"})
    assert plain.status_code == documented.status_code == 422
    assert plain.json() == documented.json()
    assert plain.json()["detail"][0]["loc"] == ["path", "number"]
