"""Every OpenAPI document the platform serves, built in-process: each service's, the gateway's own
and the merged one the gateway serves at /openapi.json."""

from __future__ import annotations

import importlib
from functools import cache
from typing import Any

from services.gateway.app import create_api
from services.gateway.openapi import merge_documents
from services.gateway.settings import UPSTREAM_NAMES, GatewaySettings

HTTP_METHODS = ("get", "put", "post", "delete", "patch")


@cache
def service_documents() -> dict[str, dict[str, Any]]:
    documents = {}
    for name in UPSTREAM_NAMES:
        app = importlib.import_module(f"services.{name}.app").create_app()
        documents[name] = app.openapi()
    documents["gateway"] = create_api(GatewaySettings()).openapi()
    return documents


@cache
def merged_document() -> dict[str, Any]:
    documents = service_documents()
    return merge_documents(documents["gateway"], {name: documents[name] for name in UPSTREAM_NAMES})


def all_documents() -> dict[str, dict[str, Any]]:
    return {**service_documents(), "merged": merged_document()}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(METHOD, path, operation) of every operation in the document."""
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]
