"""The 360Giving JSON package this service publishes, validated against the official 360Giving schemas
(copied with their licence and provenance in `schema_360giving/`; nothing is downloaded)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import jsonschema
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from services.revitalization.placements.service import today
from tests.revitalization.factories import APPLY, FakeRegistry, headers
from tests.revitalization.opendata.test_endpoints import awards
from tests.support.tokens import TokenFactory

SCHEMAS = Path(__file__).with_name("schema_360giving")
FORMATS = jsonschema.FormatChecker()
BASE = "/revitalization/v1"


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    """RFC 3339 date-time (with a time and an offset), without an extra library."""
    if not isinstance(value, str):
        return True
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return "T" in value.upper() and parsed.tzinfo is not None


def package_validator() -> jsonschema.Draft202012Validator:
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text(encoding="utf-8"))
    # Both declare "$schema": "http://json-schema.org/draft/2020-12/schema" (http, not the dialect's https
    # URI), so the dialect is named here rather than detected.
    registry: Registry[Any] = Registry().with_resource(grant["$id"], DRAFT202012.create_resource(grant))
    return jsonschema.Draft202012Validator(package, registry=registry, format_checker=FORMATS)


def errors(document: Any) -> list[str]:
    return [
        f"{list(error.absolute_path)}: {error.message}" for error in package_validator().iter_errors(document)
    ]


async def test_the_json_package_is_valid_360giving_with_outcomes_as_an_additional_field(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, registry: FakeRegistry
) -> None:
    person_id, _, _ = await awards(revitalization, tokens, registry)
    report = {"indicator": "people_settled", "value": 1, "measured_on": today().isoformat()}
    reported = await revitalization.post(
        f"{BASE}/applications/{person_id}/outcomes", json=report, headers=headers(tokens, APPLY)
    )
    assert reported.status_code == 201, reported.text
    for language in ("ja", "en", "ja-x-easy"):
        package = await revitalization.get(
            f"{BASE}/open-data/grants.json", headers={"Accept-Language": language}
        )
        assert package.status_code == 200
        document = package.json()
        assert len(document["grants"]) == 2
        assert errors(document) == []
    person = next(grant for grant in document["grants"] if grant["id"].endswith(f"-{person_id}"))
    assert person["outcomes"] == [
        {"indicator": "people_settled", "value": 1, "measuredOn": report["measured_on"]}
    ]


def test_the_validator_rejects_what_360giving_rejects() -> None:
    grant = {
        "id": "360G-jichi-rev-1",
        "title": "t",
        "description": "d",
        "currency": "JPY",
        "amountAwarded": 1,
        "awardDate": date(2024, 7, 1).isoformat(),
        "recipientOrganization": [{"id": "JP-LGC-032018", "name": "岩手県盛岡市"}],
        "fundingOrganization": [{"id": "JP-JICHI-LAB", "name": "LAB"}],
        "dateModified": "2024-07-01T00:00:00+00:00",
    }
    assert errors({"grants": [grant]}) == []
    assert errors({"grants": []})  # a package holds at least one grant
    assert errors({"grants": [{**grant, "amountAwarded": "1"}]})
    assert errors({"grants": [{**grant, "plannedDates": [{"startDate": None}]}]})
    assert errors({"grants": [{**grant, "dateModified": "2024-07-01"}]})
    without_funder = {key: value for key, value in grant.items() if key != "fundingOrganization"}
    assert errors({"grants": [without_funder]})
