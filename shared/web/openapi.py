"""The OpenAPI document as callers' generators read it: FastAPI's, completed with what the runtime does.

FastAPI derives paths, parameters and models. This module adds what it cannot know:
- each operation's pinned operationId and the problem types it can answer with (declared per
  service in its `operations` module), their concrete statuses and the catalogue entries;
- the problems every operation of a kind can answer with, derived from what it declares
  (a token, a body, an Idempotency-Key, a purpose, a page token, an If-Match);
- `security: []` on public operations, the scopes map, required headers, response headers;
- integers as `int32` or `int64` by their bounds, so money never overflows a 32-bit client;
- servers, tags, examples (recorded from the test suite, `tests/contract/examples.py`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from shared.auth.dependencies import TOKEN_URL, anonymous_or_authenticated, authenticated
from shared.contracts.registry import PURPOSE_HEADER
from shared.web.problem_types import PROBLEM_TYPES, problem_page_path
from shared.web.problems import PROBLEM_MEDIA_TYPE, TYPE_PREFIX, FieldError, ProblemDetails

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
IDEMPOTENCY_HEADER = "Idempotency-Key"
IF_MATCH_HEADER = "If-Match"

RESPONSE_HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "The version of the resource (a strong entity tag); "
        "send it back in If-Match to change it.",
        "schema": {"type": "string", "examples": ['"v3"']},
    },
    "Location": {
        "description": "Where the created (or accepted) resource can be read.",
        "schema": {"type": "string", "format": "uri-reference"},
    },
    "Retry-After": {
        "description": "Seconds to wait before sending the request again.",
        "schema": {"type": "integer", "format": "int32", "minimum": 1},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key and body: the write was not applied a second time.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "Content-Language": {
        "description": "The language of the texts in the answer.",
        "schema": {"type": "string", "examples": ["ja"]},
    },
    "Content-Disposition": {
        "description": "The file name under which to save the export.",
        "schema": {"type": "string"},
    },
}


@dataclass(frozen=True)
class Operation:
    """What a service declares about one operation, beyond what FastAPI derives from the route.

    `problems` are the slugs of the problem types the operation's own rules answer with; those
    its kind brings (token, body, headers, page token) are added by `complete_document`.
    `headers` names the response headers sent per status; `statuses` are further success
    statuses than the route's own (201 or 200 for a create-or-change).
    """

    operation_id: str
    problems: tuple[str, ...] = ()
    headers: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    statuses: tuple[int, ...] = ()


Operations = Mapping[tuple[str, str], Operation]
"""(METHOD, path template) -> its declaration: one table per service."""


@dataclass(frozen=True)
class _RouteFacts:
    token: str  # "required", "optional" (public, but a token sent is verified) or "none"
    scopes: tuple[str, ...]


def _calls(dependant: Dependant) -> Iterable[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _calls(dependency)


def _route_facts(routes: Iterable[BaseRoute]) -> dict[tuple[str, str], _RouteFacts]:
    facts = {}
    for context in iter_route_contexts(list(routes)):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.path_format or not context.methods:
            continue
        dependants = list(_calls(route.dependant))
        calls = {dependant.call for dependant in dependants}
        scopes = tuple(
            scope
            for dependant in dependants
            if dependant.call is authenticated
            for scope in dependant.own_oauth_scopes or ()
        )
        token = (
            "required"
            if authenticated in calls
            else "optional"
            if anonymous_or_authenticated in calls
            else "none"
        )
        for method in context.methods:
            facts[(method, context.path_format)] = _RouteFacts(token=token, scopes=scopes)
    return facts


def _integer_format(node: dict[str, Any]) -> None:
    kinds = node.get("type")
    if kinds != "integer" and not (isinstance(kinds, list) and "integer" in kinds):
        return
    for bound in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if isinstance(node.get(bound), float) and node[bound].is_integer():
            node[bound] = int(node[bound])
    low, high = node.get("minimum", INT64[0]), node.get("maximum", INT64[1])
    if high >= INT64[1]:
        node.pop("maximum", None)
    if low <= INT64[0]:
        node.pop("minimum", None)
    node.setdefault("format", "int32" if low >= INT32[0] and high <= INT32[1] else "int64")


def _normalise(node: Any) -> None:
    """Integers get int32/int64 by their bounds; float bounds that FastAPI made of ints become ints."""
    if isinstance(node, dict):
        _integer_format(node)
        for key, value in node.items():
            if key not in ("example", "examples"):
                _normalise(value)
    elif isinstance(node, list):
        for item in node:
            _normalise(item)


def _header_parameter(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "header" and parameter["name"].lower() == name.lower():
            found: dict[str, Any] = parameter
            return found
    return None


def _required(parameter: dict[str, Any], name: str) -> None:
    """Declared optional so the handler can answer in its own words; the caller must send it."""
    parameter["name"] = name
    parameter["required"] = True
    schema = parameter.get("schema", {})
    variants = [variant for variant in schema.pop("anyOf", []) if variant.get("type") != "null"]
    if variants:
        schema.update(variants[0])
    schema.setdefault("type", "string")


# What the gateway answers for a service it proxies to, whatever the operation.
PROXIED_PROBLEMS = (
    "too-many-requests",
    "expectation-failed",
    "bad-gateway",
    "gateway-timeout",
    "upstream-circuit-open",
)
PROXIED_BODY_PROBLEMS = ("incomplete-body", "request-timeout")


def _derived_problems(
    operation: dict[str, Any], facts: _RouteFacts | None, *, proxied: bool = True
) -> list[str]:
    """The problems an operation's kind brings, whatever its own rules."""
    found = ["internal-error", "database-unavailable"]
    if proxied:
        found += PROXIED_PROBLEMS
        if "requestBody" in operation:
            found += PROXIED_BODY_PROBLEMS
    if facts is not None and facts.token == "required":
        found += [
            "unauthorized",
            "invalid-token",
            "token-revoked",
            "revocations-unavailable",
            "insufficient-scope",
        ]
    elif facts is not None and facts.token == "optional":
        found += ["invalid-token", "token-revoked", "revocations-unavailable"]
    if operation.get("parameters") or "requestBody" in operation:
        found.append("validation-failed")
    body = operation.get("requestBody", {}).get("content", {})
    if "application/json" in body:
        found += ["malformed-json", "content-too-large", "unsupported-media-type"]
    if _header_parameter(operation, IDEMPOTENCY_HEADER):
        found += ["idempotency-key-reused", "idempotency-key-in-progress"]
    if _header_parameter(operation, PURPOSE_HEADER):
        found += ["purpose-required", "unknown-purpose"]
    if _header_parameter(operation, IF_MATCH_HEADER):
        found.append("etag-mismatch")
    if any(parameter["name"] == "page_token" for parameter in operation.get("parameters", [])):
        found.append("invalid-page-token")
    return found


def problem_entry(slug: str) -> dict[str, Any]:
    problem = PROBLEM_TYPES[slug]
    return {
        "slug": slug,
        "type": TYPE_PREFIX + slug,
        "status": list(problem.statuses),
        "title": problem.title,
        "documentation": problem_page_path(slug),
    }


def _problem_responses(operation: dict[str, Any], slugs: list[str]) -> None:
    responses = operation.setdefault("responses", {})
    for key in ("4XX", "5XX"):
        responses.pop(key, None)
    if "HTTPValidationError" in json.dumps(responses.get("422", {})):
        del responses["422"]  # FastAPI's own validation shape, which no service answers with
    by_status: dict[int, list[str]] = {}
    for slug in slugs:
        for status in PROBLEM_TYPES[slug].statuses:
            by_status.setdefault(status, []).append(slug)
    for status, members in sorted(by_status.items()):
        lines = "\n".join(
            f"- [`{TYPE_PREFIX}{slug}`]({problem_page_path(slug)}): {PROBLEM_TYPES[slug].title}"
            for slug in members
        )
        response: dict[str, Any] = {
            "description": f"{status} {HTTPStatus(status).phrase}. Problem types:\n{lines}",
            "content": {
                PROBLEM_MEDIA_TYPE: {
                    "schema": {"$ref": "#/components/schemas/ProblemDetails"},
                    "example": PROBLEM_TYPES[members[0]].example(status),
                }
            },
        }
        if any("Retry-After" in PROBLEM_TYPES[slug].headers for slug in members):
            response["headers"] = {"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
        existing = responses.get(str(status), {})
        if existing.get("content") and PROBLEM_MEDIA_TYPE not in existing["content"]:
            # An answer in another shape (OAuth 2.0 errors): its own schema, the types listed.
            existing["description"] = f"{existing.get('description', '')}\n\nProblem types:\n{lines}".strip()
            continue
        responses[str(status)] = response
    operation["x-problem-types"] = [problem_entry(slug) for slug in slugs]


def _success_responses(operation: dict[str, Any], declared: Operation | None) -> None:
    responses = operation["responses"]
    successes = [status for status in responses if status.startswith("2")]
    if declared is not None:
        template = responses[successes[0]] if successes else {"description": "Success"}
        for status in declared.statuses:
            responses.setdefault(str(status), copy.deepcopy(template))
        for status, names in declared.headers.items():
            response = responses.setdefault(str(status), copy.deepcopy(template))
            for name in names:
                response.setdefault("headers", {})[name] = {"$ref": f"#/components/headers/{name}"}
    for status, response in responses.items():
        if not status.startswith("2"):
            continue
        if response.get("description") == "Successful Response":
            response["description"] = "Success"
        content = response.get("content", {})
        if len(content) > 1 and not content.get("application/json", {}).get("schema", True):
            del content["application/json"]  # FastAPI's default for an export that is only CSV or lines
        for media_type, content in response.get("content", {}).items():
            if not content.get("schema") and media_type != "application/json":
                content["schema"] = {"type": "string"}
    if _header_parameter(operation, IDEMPOTENCY_HEADER):
        for status in [status for status in responses if status.startswith("2")]:
            responses[status].setdefault("headers", {})["Idempotent-Replayed"] = {
                "$ref": "#/components/headers/Idempotent-Replayed"
            }


def _examples(operation: dict[str, Any], examples: Mapping[str, Any]) -> None:
    request = examples.get("request")
    for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
        if request is not None and request["media_type"] == media_type:
            content["example"] = request["body"]
    for answer in examples.get("responses", []):
        content = operation["responses"].get(str(answer["status"]), {}).get("content", {})
        if answer["media_type"] in content:
            content[answer["media_type"]]["example"] = answer["body"]


def load_examples(path: Path) -> dict[str, Any]:
    """A service's recorded examples, keyed by `METHOD path` (`make examples` writes them)."""
    if not path.exists():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def complete_document(
    document: dict[str, Any],
    *,
    routes: Iterable[BaseRoute],
    operations: Operations,
    scopes: Mapping[str, str],
    examples: Mapping[str, Any],
    proxied: bool = True,
) -> dict[str, Any]:
    """Everything this module's docstring lists, applied to FastAPI's `document` in place.

    `proxied`: the operations are reached through the gateway, which adds its own answers."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["ProblemDetails"] = ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["FieldError"] = (
        schemas["ProblemDetails"].pop("$defs", {}).get("FieldError", FieldError.model_json_schema())
    )
    components["headers"] = {**components.get("headers", {}), **copy.deepcopy(RESPONSE_HEADERS)}
    components.setdefault("securitySchemes", {}).setdefault(
        "gateway",
        {
            "type": "oauth2",
            "description": "Bearer tokens issued by the gateway with the client-credentials grant.",
            "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {}}},
        },
    )
    for scheme in components["securitySchemes"].values():
        for flow in scheme.get("flows", {}).values():
            flow["scopes"] = dict(scopes)
    facts = _route_facts(routes)
    tags: dict[str, dict[str, Any]] = {tag["name"]: tag for tag in document.get("tags", [])}
    for path, path_item in document.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in HTTP_METHODS:
                continue
            key = (method.upper(), path)
            declared = operations.get(key)
            route = facts.get(key)
            if declared is not None:
                operation["operationId"] = declared.operation_id
            if route is not None and route.token == "required":
                operation["security"] = [{"gateway": list(route.scopes)}]
            elif route is not None:
                operation["security"] = []
            operation.setdefault("description", operation.get("summary", ""))
            for tag in operation.get("tags", []):
                tags.setdefault(tag, {"name": tag, "description": f"Operations on {tag.replace('-', ' ')}."})
            slugs = list(
                dict.fromkeys(
                    [
                        *_derived_problems(operation, route, proxied=proxied),
                        *(declared.problems if declared else ()),
                    ]
                )
            )
            purpose = _header_parameter(operation, PURPOSE_HEADER)
            if purpose is not None:
                _required(purpose, PURPOSE_HEADER)
            if_match = _header_parameter(operation, IF_MATCH_HEADER)
            if if_match is not None:
                if_match["name"] = IF_MATCH_HEADER
                if "if-match-required" in slugs:
                    _required(if_match, IF_MATCH_HEADER)
            _success_responses(operation, declared)
            _problem_responses(operation, slugs)
            _examples(operation, examples.get(f"{method.upper()} {path}", {}))
    if tags:
        document["tags"] = sorted(tags.values(), key=lambda tag: tag["name"])
    document.setdefault("servers", [{"url": "/", "description": "The gateway that served this document."}])
    document["info"].setdefault("contact", {"name": "jichi operators, Local Administration Bureau"})
    document["info"].setdefault("license", {"name": "Apache-2.0", "identifier": "Apache-2.0"})
    used = json.dumps(document["paths"])
    components["headers"] = {
        name: header
        for name, header in components["headers"].items()
        if f"#/components/headers/{name}" in used
    }
    _normalise(document)
    return document
