"""The merged OpenAPI 3.1 document: every service's paths and schemas, plus the gateway's own."""

from __future__ import annotations

import asyncio
import copy
import time
from pathlib import Path
from typing import Any

import httpx

from shared.auth.scopes import SCOPES
from shared.web.openapi import Operation, Operations, load_examples
from shared.web.problems import PROBLEM_CONTENT

# The gateway's own operations (see services/registry/operations.py for what a declaration holds).
OPERATIONS: Operations = {
    ("POST", "/oauth/token"): Operation(
        "gateway_issue_token",
        problems=(
            "oauth-invalid-request",
            "oauth-unsupported-grant-type",
            "oauth-invalid-client",
            "oauth-invalid-scope",
            "oauth-slow-down",
            "content-too-large",
            "unsupported-media-type",
        ),
    ),
    ("GET", "/.well-known/jwks.json"): Operation("gateway_jwks"),
    ("GET", "/problems"): Operation("gateway_list_problem_types"),
    ("GET", "/problems/{slug}"): Operation("gateway_get_problem_type", problems=("not-found",)),
    ("GET", "/.well-known/revocations.json"): Operation(
        "gateway_revocations", problems=("revocations-unavailable",), headers={200: ("ETag",)}
    ),
}
EXAMPLES = load_examples(Path(__file__).with_name("examples.json"))

_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# What the gateway adds to every proxied operation: its rate-limit headers, and its 429.
GATEWAY_HEADERS: dict[str, Any] = {
    "RateLimit-Policy": {
        "description": "The limit that applies (draft-ietf-httpapi-ratelimit-headers): its name, "
        '`q` requests per window of `w` seconds, e.g. `"client";q=400;w=2`.',
        "schema": {"type": "string"},
    },
    "RateLimit": {
        "description": "What is left of that limit: `r` requests may still be sent at once, and "
        'the whole quota is back in `t` seconds, e.g. `"client";r=399;t=1`.',
        "schema": {"type": "string"},
    },
    "Retry-After": {
        "description": "Seconds to wait before sending again.",
        "schema": {"type": "integer", "format": "int32", "minimum": 1},
    },
}
TOO_MANY_REQUESTS: dict[str, Any] = {
    "description": "The caller's rate limit (per client, or per address without a token) is exceeded.",
    "headers": {name: {"$ref": f"#/components/headers/{name}"} for name in GATEWAY_HEADERS},
    "content": PROBLEM_CONTENT,
}
_RATE_LIMIT_HEADER_REFS = {
    name: {"$ref": f"#/components/headers/{name}"} for name in ("RateLimit-Policy", "RateLimit")
}


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            key: (
                renames.get(value, value)
                if key == "$ref" and isinstance(value, str)
                else _rename_refs(value, renames)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rename_refs(item, renames) for item in node]
    return node


def merge_documents(gateway: dict[str, Any], services: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Schemas with one name and one shape are shared; a name two services shape differently is
    prefixed with the service's name (RegistryResident) so neither is lost."""
    merged = copy.deepcopy(gateway)
    merged["info"] = {
        **{key: value for key, value in gateway.get("info", {}).items() if key in ("contact", "license")},
        "title": "jichi",
        "version": gateway.get("info", {}).get("version", "1.0.0"),
        "description": "All jichi services behind one gateway. Get a token at /oauth/token "
        "(client credentials), then call any service with `Authorization: Bearer <token>`. "
        "Every problem's `type` (`urn:jichi:problem:<slug>`) resolves at `/problems/<slug>`: its "
        "statuses, meaning and what to do, in Japanese and English; each operation lists its own "
        "in `x-problem-types`.",
    }
    paths = merged.setdefault("paths", {})
    schemas = merged.setdefault("components", {}).setdefault("schemas", {})
    tags = {tag["name"]: tag for tag in merged.get("tags", [])}
    for service, document in sorted(services.items()):
        theirs = document.get("components", {}).get("schemas", {})
        renames = {
            f"#/components/schemas/{name}": f"#/components/schemas/{service.capitalize()}{name}"
            for name, schema in theirs.items()
            if name in schemas and schemas[name] != _rename_refs(schema, {})
        }
        for name, schema in theirs.items():
            ref = f"#/components/schemas/{name}"
            target = renames.get(ref, ref).rsplit("/", 1)[1]
            schemas[target] = _rename_refs(schema, renames)
            if target != name:
                # Generators name a model by its title: the renamed one needs its own.
                schemas[target]["title"] = target
        for path, item in document.get("paths", {}).items():
            paths[path] = _with_gateway_responses(_rename_refs(item, renames))
        for tag in document.get("tags", []):
            tags.setdefault(tag["name"], tag)
        # Response headers are defined once, the same in every service.
        merged["components"].setdefault("headers", {}).update(
            document.get("components", {}).get("headers", {})
        )
    merged["components"].setdefault("headers", {}).update(copy.deepcopy(GATEWAY_HEADERS))
    merged["components"].setdefault("responses", {})["TooManyRequests"] = copy.deepcopy(TOO_MANY_REQUESTS)
    merged["components"].setdefault("securitySchemes", {})["gateway"] = {
        "type": "oauth2",
        "description": "Client-credentials tokens from the gateway.",
        "flows": {"clientCredentials": {"tokenUrl": "/oauth/token", "scopes": dict(SCOPES)}},
    }
    if tags:
        merged["tags"] = sorted(tags.values(), key=lambda tag: tag["name"])
    return merged


def _with_gateway_responses(path_item: dict[str, Any]) -> dict[str, Any]:
    """A proxied operation as callers see it through the gateway: rate-limit headers on every
    answer it describes, and the gateway's own 429."""
    for method, operation in path_item.items():
        if method not in _HTTP_METHODS:
            continue
        responses = operation.setdefault("responses", {})
        for response in responses.values():
            if "$ref" not in response:
                response.setdefault("headers", {}).update(copy.deepcopy(_RATE_LIMIT_HEADER_REFS))
        responses["429"] = {"$ref": "#/components/responses/TooManyRequests"}
    return path_item


class MergedOpenAPI:
    """Fetches the services' documents (cached for a minute) and merges them with the gateway's."""

    def __init__(self, client: httpx.AsyncClient, upstream_urls: dict[str, str], ttl: float = 60.0) -> None:
        self.client = client
        self.upstream_urls = upstream_urls
        self.ttl = ttl
        self._cached: dict[str, Any] | None = None
        self._at = float("-inf")

    async def document(self, gateway: dict[str, Any]) -> dict[str, Any]:
        if self._cached is not None and time.monotonic() - self._at < self.ttl:
            return self._cached
        names = sorted(self.upstream_urls)
        fetched = await asyncio.gather(*(self._fetch(name) for name in names))
        services = {name: doc for name, doc in zip(names, fetched, strict=True) if doc is not None}
        merged = merge_documents(gateway, services)
        missing = [name for name in names if name not in services]
        if missing:
            merged["info"]["x-unavailable-services"] = missing
        else:
            self._cached, self._at = merged, time.monotonic()
        return merged

    async def _fetch(self, name: str) -> dict[str, Any] | None:
        try:
            response = await self.client.get(f"{self.upstream_urls[name]}/{name}/openapi.json", timeout=5.0)
            response.raise_for_status()
            document: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError):
            return None
        return document
