"""Validation of NIST SP 1500-100 v2 exports against the official JSON schema (deploy/schemas/)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator

SCHEMA = (
    Path(__file__).parents[2] / "deploy" / "schemas" / "nist-sp-1500-100-v2-election-results-reporting.json"
)


@cache
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def assert_valid_nist(report: Any) -> dict[str, Any]:
    """The report, after checking it against the schema (every error listed) and its references."""
    errors = sorted(validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:20])
    ids = _ids(report)
    for reference in _references(report):
        assert reference in ids, f"{reference} names no object of the report"
    return dict(report)


def _ids(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if isinstance(node.get("@id"), str):
            found.add(node["@id"])
        for value in node.values():
            found |= _ids(value)
    elif isinstance(node, list):
        for value in node:
            found |= _ids(value)
    return found


def _references(node: Any) -> list[str]:
    """Every value of a `...Id` / `...Ids` field (the schema's refTypes, which it does not check)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("Ids") and isinstance(value, list):
                found += [v for v in value if isinstance(v, str)]
            elif key.endswith("Id") and key != "VendorApplicationId" and isinstance(value, str):
                found.append(value)
            else:
                found += _references(value)
    elif isinstance(node, list):
        for value in node:
            found += _references(value)
    return found
