"""The documents as an integrating team's generator reads them: pinned operation ids, 64-bit money,
public operations without security, required headers, concrete problems, examples that fit.

`operation_ids.json` beside this file is the committed snapshot of every operation id: a renamed
or re-pinned id fails here, since every generated client would break. Add a new operation's id to
its service's `operations.py` and to the snapshot together.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shared.web.problem_types import PROBLEM_TYPES
from tests.contract.documents import all_documents, merged_document, operations, service_documents

SNAPSHOT = Path(__file__).with_name("operation_ids.json")
DOCUMENTS = sorted(all_documents())


def _id_table(document: dict[str, Any]) -> dict[str, str]:
    return {f"{method} {path}": operation["operationId"] for method, path, operation in operations(document)}


def test_every_operation_id_is_pinned_in_the_snapshot() -> None:
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert _id_table(merged_document()) == snapshot


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_operation_is_declared_with_its_pinned_id(name: str) -> None:
    """An operation without a declaration would take its id from its Python function's name."""
    if name == "merged":
        return
    module = "services.gateway.openapi" if name == "gateway" else f"services.{name}.operations"
    declared = __import__(module, fromlist=["OPERATIONS"]).OPERATIONS
    document = service_documents()[name]
    assert {(method, path) for method, path, _ in operations(document)} == set(declared)
    for method, path, operation in operations(document):
        assert operation["operationId"] == declared[(method, path)].operation_id


def test_operation_ids_are_unique_across_the_platform() -> None:
    ids = list(_id_table(merged_document()).values())
    assert len(ids) == len(set(ids))


def _integer_schemas(node: Any, where: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    if isinstance(node, dict):
        kinds = node.get("type")
        if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
            found.append((where, node))
        for key, value in node.items():
            if key not in ("example", "examples"):
                found += _integer_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += _integer_schemas(item, f"{where}/{index}")
    return found


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_two_components_share_a_title(name: str) -> None:
    """Generators name their classes after titles: two `DecisionIn`s made openapi-python-client
    drop an operation (`make clients` found it; this finds it in the suite)."""
    titles: dict[str, str] = {}
    for component, schema in all_documents()[name]["components"]["schemas"].items():
        title = schema.get("title", component)
        assert title not in titles, f"{component} and {titles[title]} are both titled {title!r}"
        titles[title] = component


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_integer_says_how_wide_it_is(name: str) -> None:
    for where, schema in _integer_schemas(all_documents()[name]):
        assert schema.get("format") in ("int32", "int64"), where
        assert not isinstance(schema.get("maximum"), float), where


def test_money_and_counts_are_64_bit() -> None:
    schemas = merged_document()["components"]["schemas"]
    assert schemas["StoredSubsidyAllocation"]["properties"]["total"]["format"] == "int64"
    assert schemas["ReportLineIn"]["properties"]["amount"]["format"] == "int64"
    assert schemas["ReportVersion"]["properties"]["income_total"]["format"] == "int64"


def test_identifiers_with_check_digits_keep_their_patterns() -> None:
    parameters = {
        parameter["name"]: parameter
        for _, _, operation in operations(merged_document())
        for parameter in operation.get("parameters", [])
    }
    assert parameters["resident_code"]["schema"]["pattern"]
    assert parameters["code"]["schema"]["pattern"]


def test_public_operations_declare_no_security_and_the_rest_their_scopes() -> None:
    document = merged_document()
    public = document["paths"]["/funds/v1/organizations"]["get"]
    assert public["security"] == []
    assert document["paths"]["/oauth/token"]["post"]["security"] == []
    written = document["paths"]["/registry/v1/residents"]["post"]
    assert written["security"] == [{"gateway": ["registry:write"]}]
    for _, _, operation in operations(document):
        assert "security" in operation


@pytest.mark.parametrize("name", DOCUMENTS)
def test_the_scope_map_is_not_empty(name: str) -> None:
    for scheme in all_documents()[name]["components"]["securitySchemes"].values():
        assert scheme["flows"]["clientCredentials"]["scopes"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_headers_the_runtime_requires_are_required(name: str) -> None:
    for method, path, operation in operations(all_documents()[name]):
        slugs = {entry["slug"] for entry in operation["x-problem-types"]}
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "X-Purpose":
                assert parameter["required"] is True, f"{method} {path}"
            if parameter["name"] == "If-Match":
                assert parameter["required"] is ("if-match-required" in slugs), f"{method} {path}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_problem_is_answered_with_a_concrete_status_and_a_catalogued_type(name: str) -> None:
    for method, path, operation in operations(all_documents()[name]):
        responses = operation["responses"]
        assert not {"4XX", "5XX", "default"} & set(responses), f"{method} {path}"
        for entry in operation["x-problem-types"]:
            assert entry["slug"] in PROBLEM_TYPES
            for status in entry["status"]:
                assert str(status) in responses, f"{method} {path} {entry['slug']}"


def test_response_headers_and_export_media_types_are_documented() -> None:
    paths = merged_document()["paths"]
    created = paths["/registry/v1/residents"]["post"]["responses"]["201"]["headers"]
    assert {"ETag", "Location", "Idempotent-Replayed"} <= set(created)
    export = paths["/funds/v1/disclosed-lines/export"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/jsonl"} <= set(export)
    assert "application/json" not in export
    assert "Retry-After" in paths["/registry/v1/residents"]["post"]["responses"]["503"]["headers"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_get_with_an_etag_documents_if_none_match_and_304(name: str) -> None:
    for method, path, operation in operations(all_documents()[name]):
        with_etag = "ETag" in operation["responses"].get("200", {}).get("headers", {})
        if method != "GET" or not with_etag:
            continue
        parameters = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert "If-None-Match" in parameters, f"{method} {path}"
        assert "ETag" in operation["responses"]["304"]["headers"], f"{method} {path}"


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**schema, "components": document["components"]})


def _examples_of(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) of every request body and 2xx answer; a missing example is None."""
    found = []
    for method, path, operation in operations(document):
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [
            (status, response.get("content", {}))
            for status, response in operation["responses"].items()
            if status.startswith("2")
        ]
        for label, content in bodies:
            for media_type, entry in content.items():
                found.append(
                    (f"{method} {path} {label} {media_type}", entry.get("schema", {}), entry.get("example"))
                )
    return found


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_body_has_an_example_that_fits_its_schema(name: str) -> None:
    document = all_documents()[name]
    missing = {where for where, _, example in _examples_of(document) if example is None}
    assert missing == set()
    for where, schema, example in _examples_of(document):
        errors = [error.message for error in _validator(document, schema).iter_errors(example)]
        assert errors == [], where
