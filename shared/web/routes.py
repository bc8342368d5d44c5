"""A documented route whose most common request has its own small handler.

FastAPI solves a route's parameters and dependencies on every request, which for a one-row read
costs as much CPU as the read. `answered_first_by(handler)` gives a route class whose requests go
first to `handler(request)`: it returns None for a request it does not take — decided from the
request's shape alone (its query string, its body) before any other work — and FastAPI's own
handler of the same route answers those. What it takes, it answers completely, raising the
route's problems. Routing chose the route either way, so metrics and logs name it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, APIRouter
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

ShapeHandler = Callable[[Request], Awaitable[Response | None]]
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
Model = TypeVar("Model", bound=BaseModel)


def answered_first_by(handler: ShapeHandler) -> type[APIRoute]:
    class AnsweredFirst(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            documented = super().get_route_handler()

            async def answer(request: Request) -> Response:
                response = await handler(request)
                return response if response is not None else await documented(request)

            return answer

    AnsweredFirst.__name__ = AnsweredFirst.__qualname__ = f"AnsweredFirstBy_{handler.__name__}"
    return AnsweredFirst


def shaped_route(
    router: APIRouter, path: str, *, method: str, answered_first_by_handler: ShapeHandler, **options: Any
) -> Callable[[Endpoint], Endpoint]:
    """`@router.get(...)`/`@router.post(...)` for a route answered first by its shape handler."""

    def add(endpoint: Endpoint) -> Endpoint:
        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            route_class_override=answered_first_by(answered_first_by_handler),
            **options,
        )
        return endpoint

    return add


def path_parameter(request: Request, name: str) -> Any:
    """A path parameter validated by the matched route's own field: the same value, and the same
    validation problem, as FastAPI's handler would give."""
    route: APIRoute = request.scope["route"]
    field = next(field for field in route.dependant.path_params if field.alias == name)
    value, errors = field.validate(request.path_params[name], {}, loc=("path", name))
    if errors:
        raise RequestValidationError(errors)
    return value


def json_body_as(model: type[Model], content_type: str | None, body: bytes) -> Model | None:
    """The `application/json` body as the route's body model, read as FastAPI reads it (the document
    `json.loads` gives, validated in Python mode); None for any other body, or another content type,
    which the route's own handler then answers with its problems."""
    if content_type is None or content_type.split(";", 1)[0].strip().lower() != "application/json":
        return None
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
