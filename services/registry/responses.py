"""JSON responses built from plain documents (fields a caller may not see are simply absent)."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


def document_response(
    document: Any, *, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(document), status_code=status_code, headers=headers, media_type="application/json"
    )
