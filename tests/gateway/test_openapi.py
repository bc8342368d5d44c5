"""The merged document tells callers what the gateway adds: its rate-limit headers and its 429."""

from __future__ import annotations

from typing import Any

from services.gateway.openapi import merge_documents


def _service_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "paths": {
            "/registry/v1/residents/{code}": {
                "parameters": [],
                "get": {"operationId": "registry_get_resident", "responses": {"200": {"description": "ok"}}},
            }
        },
        "components": {"schemas": {}},
    }


def test_every_proxied_operation_documents_429_and_the_rate_limit_headers() -> None:
    merged = merge_documents({"openapi": "3.1.0", "paths": {}}, {"registry": _service_document()})
    responses = merged["paths"]["/registry/v1/residents/{code}"]["get"]["responses"]
    assert responses["429"] == {"$ref": "#/components/responses/TooManyRequests"}
    assert set(responses["200"]["headers"]) == {"RateLimit", "RateLimit-Policy"}
    too_many = merged["components"]["responses"]["TooManyRequests"]
    assert set(too_many["headers"]) == {"RateLimit", "RateLimit-Policy", "Retry-After"}
    assert "application/problem+json" in too_many["content"]
    for header in too_many["headers"].values():
        assert header["$ref"].rsplit("/", 1)[1] in merged["components"]["headers"]
