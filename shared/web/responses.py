"""JSON answers, and the one way to answer with a resource's version as its ETag."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from shared.web.etag import etag_for


def json_response(
    content: Any,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    version: int | None = None,
    location: str | None = None,
) -> Response:
    """`version` becomes the strong ETag and `location` the Location of a created resource."""
    if isinstance(content, BaseModel):
        body = content.__pydantic_serializer__.to_json(content, by_alias=True)
    else:
        body = orjson.dumps(content)
    if version is not None or location is not None:
        headers = dict(headers or {})
        if version is not None:
            headers["ETag"] = etag_for(version)
        if location is not None:
            headers["Location"] = location
    return Response(body, status_code=status_code, headers=headers, media_type="application/json")
