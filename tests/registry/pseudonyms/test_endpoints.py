"""Bulk verification by and with pseudonyms; a code change gives a new pseudonym, which the feed tells."""

from __future__ import annotations

import httpx

from tests.registry.conftest import Headers, Register
from tests.registry.residents.test_missing_events import change_code

VERIFY = "/registry/v1/residents/verifications"
FOUR = {"name": "山田 太郎", "date_of_birth": "1990-04-01", "sex": "male"}
PENSION = {"pseudonym_domain": "pension-agency"}


async def test_a_pseudonymous_client_verifies_by_and_is_answered_with_its_pseudonyms(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    found = await registry.post(
        VERIFY,
        json={"items": [{"four_items": FOUR, "reference": "r1"}]},
        headers=headers("registry:read", **PENSION),
    )
    assert found.status_code == 200, found.text
    pseudonym = found.json()["results"][0]["resident_code"]
    assert pseudonym != code
    assert len(pseudonym) == 34
    again = await registry.post(
        VERIFY, json={"items": [{"pseudonym": pseudonym}]}, headers=headers("registry:read", **PENSION)
    )
    assert again.json()["results"][0]["resident_code"] == pseudonym
    assert again.json()["results"][0]["outcome"] == "found"
    other = await registry.post(
        VERIFY,
        json={"items": [{"four_items": FOUR}]},
        headers=headers("registry:read", pseudonym_domain="tax"),
    )
    assert other.json()["results"][0]["resident_code"] not in (code, pseudonym)
    for body, domain in (
        ({"items": [{"resident_code": code}]}, PENSION),  # the fast path of codes alone
        ({"items": [{"resident_code": code, "reference": "x"}, {"four_items": FOUR}]}, PENSION),
        ({"items": [{"pseudonym": pseudonym}]}, {"pseudonym_domain": "tax"}),
        ({"items": [{"pseudonym": pseudonym}]}, {}),
    ):
        refused = await registry.post(VERIFY, json=body, headers=headers("registry:read", **domain))
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"].endswith("invalid-resident-id")
    both = await registry.post(
        VERIFY,
        json={"items": [{"pseudonym": pseudonym, "resident_code": code}]},
        headers=headers("registry:read", **PENSION),
    )
    assert both.status_code == 422


async def test_a_code_change_tells_a_pseudonymous_client_its_old_and_new_pseudonym(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    code = await register()
    verify = await registry.post(
        VERIFY, json={"items": [{"four_items": FOUR}]}, headers=headers("registry:read", **PENSION)
    )
    old = verify.json()["results"][0]["resident_code"]
    changed = await change_code(registry, headers, code)
    assert changed.status_code == 201, changed.text
    feed = await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed", **PENSION))
    assert feed.status_code == 200, feed.text
    event = feed.json()["items"][-1]
    assert event["type"] == "resident_code_change"
    assert event["former_resident_code"] == old  # never the former resident code itself
    new = event["resident_code"]
    assert new not in (old, code, changed.json()["resident_code"])
    assert len(new) == 34
    # The new pseudonym finds the resident, the old one nobody (as the old code).
    outcomes = await registry.post(
        VERIFY,
        json={"items": [{"pseudonym": new}, {"pseudonym": old}]},
        headers=headers("registry:read", **PENSION),
    )
    assert [r["outcome"] for r in outcomes.json()["results"]] == ["found", "not_found"]
    assert outcomes.json()["results"][0]["resident_code"] == new
    # A client that sees codes still gets the codes.
    plain = await registry.get("/registry/v1/events?limit=100", headers=headers("registry:feed"))
    assert plain.json()["items"][-1]["former_resident_code"] == code
