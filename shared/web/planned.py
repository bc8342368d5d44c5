"""Routes whose dependencies are solved by a plan made once, when the route is built.

FastAPI's solver walks a route's dependency tree on every request: for each dependency it looks
up overrides, computes a cache key from the security scopes, asks whether the callable is a
generator, and parses the query, headers and cookies for parameters the dependency does not
have. For a one-row read behind a token that is a fifth of the request's CPU. Many of our routes
need nothing of that generality: path, query and header parameters, and dependencies that take
only the request (and the security scopes): the database, the service state, the verified caller.

`PlannedRoute` is the route class of every service router. For a route of that simple shape it
calls the same dependencies with the same arguments, in the same order, and reads the parameters
with FastAPI's own function and the route's own fields, then calls the endpoint; so the caller gets the same
answer and the same problems. Any other route, and every route of an app whose dependencies are
overridden, goes to FastAPI's own handler. Routing is untouched: metrics and logs name the route.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_typed_return_annotation, request_params_to_args
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.security import SecurityScopes
from starlette.requests import Request
from starlette.responses import Response


@dataclass(frozen=True, slots=True)
class _Dependency:
    """One dependency that takes the request, perhaps the security scopes, and query and header
    parameters; no dependencies of its own."""

    name: str | None
    call: Callable[..., Awaitable[Any]]
    request_name: str | None
    scopes_name: str | None
    scopes: tuple[str, ...]
    query_fields: tuple[ModelField, ...]
    header_fields: tuple[ModelField, ...]

    def arguments(self, request: Request, errors: list[Any]) -> dict[str, Any] | None:
        """Its arguments; or None when a parameter is invalid, the problems added to `errors`: as in
        FastAPI's solver, such a dependency is not called and the next ones still are (so a request
        with a bad page size and no token is refused for the token)."""
        arguments: dict[str, Any] = {}
        found: list[Any] = []
        if self.query_fields:
            found += _read_into(arguments, self.query_fields, request.query_params)
        if self.header_fields:
            found += _read_into(arguments, self.header_fields, request.headers)
        if found:
            errors += found
            return None
        if self.request_name is not None:
            arguments[self.request_name] = request
        if self.scopes_name is not None:
            arguments[self.scopes_name] = SecurityScopes(scopes=list(self.scopes))
        return arguments


def _has_special_parameters(dependant: Dependant) -> bool:
    """A body, a websocket, a response to change, background tasks: FastAPI's solver's business."""
    return bool(
        dependant.body_params
        or dependant.websocket_param_name
        or dependant.http_connection_param_name
        or dependant.response_param_name
        or dependant.background_tasks_param_name
    )


def _is_coroutine(call: Callable[..., Any]) -> bool:
    function = call if inspect.isroutine(call) else getattr(call, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(function)


def _scopes_of(dependant: Dependant) -> tuple[str, ...]:
    scopes = list(dependant.parent_oauth_scopes or [])
    scopes += [scope for scope in dependant.own_oauth_scopes or [] if scope not in scopes]
    return tuple(scopes)


def _dependency(dependant: Dependant) -> _Dependency | None:
    call = dependant.call
    if (
        call is None
        or dependant.dependencies
        or dependant.path_params
        or dependant.cookie_params
        or _has_special_parameters(dependant)
        or not _is_coroutine(call)
    ):
        return None
    return _Dependency(
        name=dependant.name,
        call=call,
        request_name=dependant.request_param_name,
        scopes_name=dependant.security_scopes_param_name,
        scopes=_scopes_of(dependant),
        query_fields=tuple(dependant.query_params),
        header_fields=tuple(dependant.header_params),
    )


@dataclass(frozen=True, slots=True)
class Plan:
    """What FastAPI's solver would do for a route of the simple shape, decided once."""

    dependant: Dependant
    dependencies: tuple[_Dependency, ...]
    request_name: str | None

    @classmethod
    def of(cls, route: APIRoute) -> Plan | None:
        """The route's plan, or None where FastAPI's general solver is needed."""
        dependant = route.dependant
        if _has_special_parameters(dependant) or route.body_field is not None:
            return None
        returns = get_typed_return_annotation(route.endpoint)
        if not (inspect.isclass(returns) and issubclass(returns, Response)):
            return None
        if not inspect.iscoroutinefunction(route.endpoint):
            return None
        dependencies = [_dependency(sub) for sub in dependant.dependencies]
        if any(dependency is None for dependency in dependencies):
            return None
        return cls(
            dependant=dependant,
            dependencies=tuple(dependency for dependency in dependencies if dependency is not None),
            request_name=dependant.request_param_name,
        )

    async def arguments(self, request: Request) -> dict[str, Any]:
        """The endpoint's arguments: the dependencies first, in order, then the parameters, read
        by FastAPI's own `request_params_to_args` (a dependency's problem comes first, as there)."""
        values: dict[str, Any] = {}
        solved: dict[tuple[Any, tuple[str, ...]], Any] = {}
        errors: list[Any] = []
        for dependency in self.dependencies:
            key = (dependency.call, dependency.scopes)
            if key not in solved:
                arguments = dependency.arguments(request, errors)
                if arguments is None:
                    continue
                solved[key] = await dependency.call(**arguments)
            if dependency.name is not None:
                values[dependency.name] = solved[key]
        dependant = self.dependant
        for field in dependant.path_params:
            # Routing matched every path parameter: there is one value each, nothing to look up.
            value, field_errors = field.validate(
                request.path_params[field.alias], values, loc=("path", field.alias)
            )
            if field_errors:
                errors += field_errors
            else:
                values[field.name] = value
        # Only the sources the route reads: parsing a query string or cookies costs per request.
        if dependant.query_params:
            errors += _read_into(values, dependant.query_params, request.query_params)
        if dependant.header_params:
            errors += _read_into(values, dependant.header_params, request.headers)
        if dependant.cookie_params:
            errors += _read_into(values, dependant.cookie_params, request.cookies)
        if errors:
            raise RequestValidationError(errors)
        if self.request_name is not None:
            values[self.request_name] = request
        return values


def _read_into(
    values: dict[str, Any], fields: Sequence[ModelField], received: Mapping[str, Any]
) -> list[Any]:
    read, errors = request_params_to_args(fields, received)
    values.update(read)
    return errors


class PlannedRoute(APIRoute):
    """An APIRoute answered by its `Plan` where it has one (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        documented = super().get_route_handler()
        plan = Plan.of(self)
        if plan is None:
            return documented
        endpoint = self.endpoint

        async def answer(request: Request) -> Response:
            if request.app.dependency_overrides:
                return await documented(request)
            response: Response = await endpoint(**await plan.arguments(request))
            return response

        return answer
