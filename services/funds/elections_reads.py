"""Reads from the elections service through the gateway, with this service's own credentials.

One place maps the answers: unreachable or refused credentials and any answer but 200 or 404
are a 502; a 404 is the caller's unknown id (the `missing` problem); an unreadable body is a 502.
"""

from __future__ import annotations

from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from shared.http.gateway_client import GatewayAuthError, GatewayClient
from shared.web.problems import BadGateway, Problem

Model = TypeVar("Model", bound=BaseModel)


async def read_elections(
    client: GatewayClient, path: str, model: type[Model], *, missing: Problem, **kwargs: Any
) -> Model:
    """GET `path` (under /elections/v1) as `model`; `missing` is raised when elections answers 404."""
    try:
        response = await client.request("GET", path, **kwargs)
    except (httpx.HTTPError, GatewayAuthError) as error:
        raise BadGateway(f"The elections service could not be reached: {type(error).__name__}.") from None
    if response.status_code == 404:
        raise missing
    if response.status_code != 200:
        raise BadGateway(f"The elections service answered {response.status_code} for {path}.")
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        raise BadGateway(f"The elections service sent an unreadable answer for {path}.") from None
