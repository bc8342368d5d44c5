"""OpenAPI post-processing: every operation documents its problem responses."""

from __future__ import annotations

from typing import Any

from shared.web.problems import PROBLEM_CONTENT, FieldError, ProblemDetails

_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def with_problem_responses(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["ProblemDetails"] = ProblemDetails.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    components["FieldError"] = (
        components["ProblemDetails"].pop("$defs", {}).get("FieldError", FieldError.model_json_schema())
    )
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Validation failed", "content": PROBLEM_CONTENT}
            responses.setdefault(
                "4XX", {"description": "A problem with the request", "content": PROBLEM_CONTENT}
            )
            responses.setdefault("5XX", {"description": "A problem on our side", "content": PROBLEM_CONTENT})
    return schema
