"""Every personal-data read of a pseudonymous client: it names residents and households by its own
pseudonyms and is answered with them everywhere (resident, household, head, members, events,
matches, extracts); a resident code or household id from it is refused, another domain's or an
altered pseudonym names nobody; the access log still records the real resident. Writes are refused."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.registry.pseudonyms.codec import PseudonymCodec, UnknownPseudonym
from tests.registry.accesslog.proofs import disclosed
from tests.registry.conftest import ALL_READ, CHIYODA, Headers, Register

BASE = "/registry/v1/residents"
HOUSEHOLDS = "/registry/v1/households"
PENSION = {"pseudonym_domain": "pension-agency", "client_id": "pension"}
TAX = {"pseudonym_domain": "tax-office", "client_id": "tax"}
READS = (*ALL_READ, "registry:identity")


def _altered(pseudonym: str, at: int = -1) -> str:
    """One character changed (the last one's low bits are base32 padding: still refused)."""
    index = at % len(pseudonym)
    return pseudonym[:index] + ("a" if pseudonym[index] != "a" else "b") + pseudonym[index + 1 :]


async def _family(registry: httpx.AsyncClient, headers: Headers, register: Register) -> tuple[str, str, str]:
    head = await register(individual_number="123456789018")
    household = (await registry.get(f"{BASE}/{head}", headers=headers(*READS))).json()["household"]
    spouse = await register(
        given_name="花子",
        given_name_kana="ハナコ",
        sex="female",
        household={
            "household_id": household["household_id"],
            "head_resident_code": head,
            "relationship": "妻",
        },
    )
    return head, spouse, household["household_id"]


async def _pseudonym(registry: httpx.AsyncClient, headers: Headers, **client: str) -> str:
    found = await registry.post(
        f"{BASE}/by-individual-number",
        json={"individual_number": "123456789018"},
        headers=headers("registry:read", "registry:identity", **client),
    )
    assert found.status_code == 200, found.text
    return str(found.json()["resident_code"])


def _no_codes(response: httpx.Response, *codes: str) -> None:
    assert response.status_code == 200, response.text
    for code in codes:
        assert code not in response.text


async def test_a_pseudonymous_client_reads_everything_by_its_pseudonyms(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    head, spouse, household_id = await _family(registry, headers, register)
    secrets = (head, spouse, household_id)
    mine = await _pseudonym(registry, headers, **PENSION)
    assert len(mine) == 34
    assert mine != head
    assert mine == await _pseudonym(registry, headers, **PENSION)  # stable

    resident = await registry.get(f"{BASE}/{mine}", headers=headers(*READS, **PENSION))
    _no_codes(resident, *secrets)
    body = resident.json()
    assert body["resident_code"] == mine
    assert body["household"]["head_resident_code"] == mine
    household = body["household"]["household_id"]
    assert household.startswith("h")
    assert len(household) == 35
    assert resident.headers["ETag"] == '"v1"'

    as_of = await registry.get(
        f"{BASE}/{mine}", params={"as_of": "2000-01-01"}, headers=headers(*READS, **PENSION)
    )
    _no_codes(as_of, *secrets)
    assert as_of.json()["resident_code"] == mine
    assert as_of.json()["household"]["household_id"] == household

    events = await registry.get(f"{BASE}/{mine}/events", headers=headers(*READS, **PENSION))
    _no_codes(events, *secrets)
    assert [e["resident_code"] for e in events.json()["items"]] == [mine]

    matches = await registry.post(
        f"{BASE}/matches",
        json={"name": "山田 花子", "date_of_birth": "1990-04-01"},
        headers=headers(*READS, **PENSION),
    )
    _no_codes(matches, *secrets)
    spouse_pseudonym = matches.json()["candidates"][0]["resident"]["resident_code"]
    assert matches.json()["candidates"][0]["resident"]["household"]["head_resident_code"] == mine

    extract = await registry.get(
        BASE, params={"local_government_code": CHIYODA}, headers=headers(*READS, **PENSION)
    )
    _no_codes(extract, *secrets)
    assert {item["resident_code"] for item in extract.json()["items"]} == {mine, spouse_pseudonym}

    members = await registry.get(f"{HOUSEHOLDS}/{household}", headers=headers(*READS, **PENSION))
    _no_codes(members, *secrets)
    assert members.json()["household_id"] == household
    assert members.json()["head_resident_code"] == mine
    assert [m["resident_code"] for m in members.json()["members"]] == [mine, spouse_pseudonym]
    plain = await registry.get(f"{HOUSEHOLDS}/{household_id}", headers=headers(*READS))
    assert members.headers["ETag"] != plain.headers["ETag"]  # no key two agencies could join on
    tax_household = (
        await registry.get(
            f"{BASE}/{await _pseudonym(registry, headers, **TAX)}", headers=headers(*READS, **TAX)
        )
    ).json()["household"]["household_id"]
    assert tax_household != household
    tax_members = await registry.get(f"{HOUSEHOLDS}/{tax_household}", headers=headers(*READS, **TAX))
    assert tax_members.headers["ETag"] not in (members.headers["ETag"], plain.headers["ETag"])

    # The log names the real resident and the agency that read it.
    logged = await disclosed(registry, headers, head)
    pension = [record for record in logged.items if record.client_id == "pension"]
    assert {record.operation for record in pension} >= {
        "get_resident",
        "find_resident_by_individual_number",
        "list_resident_events",
        "get_household",
    }
    assert all(record.resident_code == head for record in logged.items)


async def test_codes_other_domains_and_altered_pseudonyms_name_nobody(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    head, _, household_id = await _family(registry, headers, register)
    mine = await _pseudonym(registry, headers, **PENSION)
    theirs = await _pseudonym(registry, headers, **TAX)
    household = (await registry.get(f"{BASE}/{mine}", headers=headers(*READS, **PENSION))).json()[
        "household"
    ]["household_id"]
    for path in (f"{BASE}/{{}}", f"{BASE}/{{}}/events"):
        refused = await registry.get(path.format(head), headers=headers(*READS, **PENSION))
        assert refused.status_code == 422, refused.text
        assert refused.json()["type"] == "urn:jichi:problem:invalid-resident-id"
        for other in (theirs, _altered(mine), _altered(mine, 10), "a" * 34):
            missing = await registry.get(path.format(other), headers=headers(*READS, **PENSION))
            assert missing.status_code == 404, missing.text
            assert missing.json()["type"] == "urn:jichi:problem:resident-not-found"
            assert head not in missing.text
        by_plain_client = await registry.get(path.format(mine), headers=headers(*READS))
        assert by_plain_client.status_code == 422
        assert by_plain_client.json()["type"] == "urn:jichi:problem:invalid-resident-id"
    as_of = await registry.get(
        f"{BASE}/{theirs}", params={"as_of": "2000-01-01"}, headers=headers(*READS, **PENSION)
    )
    assert as_of.status_code == 404
    bad_check_digit = await registry.get(
        f"{BASE}/{head[:10]}{(int(head[10]) + 1) % 10}", headers=headers(*READS)
    )
    assert bad_check_digit.status_code == 422  # as before: the path's check digit is checked
    for other, status, slug in (
        (household_id, 422, "invalid-household-id"),
        (_altered(household), 404, "household-not-found"),
        ("h" + mine, 404, "household-not-found"),  # a resident's pseudonym is no household's
    ):
        response = await registry.get(f"{HOUSEHOLDS}/{other}", headers=headers(*READS, **PENSION))
        assert (response.status_code, response.json()["type"]) == (status, f"urn:jichi:problem:{slug}")
    tax_view = await registry.get(f"{HOUSEHOLDS}/{household}", headers=headers(*READS, **TAX))
    assert tax_view.status_code == 404
    plain_view = await registry.get(f"{HOUSEHOLDS}/{household}", headers=headers(*READS))
    assert plain_view.json()["type"] == "urn:jichi:problem:invalid-household-id"
    # Without the scopes or the purpose, nothing about the identifier is said.
    no_scope = await registry.get(f"{BASE}/{head}", headers=headers("registry:address", **PENSION))
    assert no_scope.status_code == 403


async def test_a_pseudonymous_client_cannot_write(
    registry: httpx.AsyncClient, headers: Headers, register: Register
) -> None:
    head, _, household_id = await _family(registry, headers, register)
    mine = await _pseudonym(registry, headers, **PENSION)
    writes = ("registry:write", "registry:protected")
    attempts: tuple[tuple[str, str, dict[str, Any], dict[str, str]], ...] = (
        (
            "POST",
            f"{BASE}/{head}/events",
            {"type": "death", "effective_date": "2024-01-01"},
            {"If-Match": '"v1"'},
        ),
        (
            "POST",
            f"{BASE}/{head}/resident-code-changes",
            {"effective_date": "2025-01-10"},
            {"If-Match": '"v1"'},
        ),
        ("PUT", f"{BASE}/{head}/protection", {"active": True}, {"If-Match": '"v1"'}),
    )
    for method, path, body, extra in attempts:
        response = await registry.request(
            method, path, json=body, headers=headers(*writes, **PENSION, **extra)
        )
        assert response.status_code == 403, (path, response.text)
        assert response.json()["type"] == "urn:jichi:problem:pseudonyms-not-supported"
    registered = await registry.post(
        BASE,
        json={
            "event_type": "birth",
            "effective_date": "2020-01-01",
            "family_name": "山田",
            "given_name": "一郎",
            "family_name_kana": "ヤマダ",
            "given_name_kana": "イチロウ",
            "date_of_birth": "2020-01-01",
            "sex": "male",
            "address": {"local_government_code": CHIYODA, "address_lines": ["千代田1-1"]},
        },
        headers=headers(*writes, **PENSION),
    )
    assert registered.json()["type"] == "urn:jichi:problem:pseudonyms-not-supported"
    household = await registry.post(
        f"{HOUSEHOLDS}/{household_id}/events",
        json={
            "type": "head_change",
            "effective_date": "2024-01-01",
            "head_resident_code": head,
            "relationships": {},
        },
        headers=headers(*writes, **PENSION, **{"If-Match": '"hx"'}),
    )
    assert household.json()["type"] == "urn:jichi:problem:pseudonyms-not-supported"
    # Nothing changed.
    after = await registry.get(f"{BASE}/{mine}", headers=headers(*READS, **PENSION))
    assert after.headers["ETag"] == '"v1"'
    assert after.json()["status"] == "active"
    assert after.json()["protected"] is False
    extract = await registry.get(BASE, params={"local_government_code": CHIYODA}, headers=headers(*READS))
    assert len(extract.json()["items"]) == 2


def test_household_pseudonyms_round_trip_per_domain() -> None:
    codec = PseudonymCodec("secret")
    pseudonym = codec.encode_household("H000000000042", "pension")
    assert pseudonym.startswith("h")
    assert len(pseudonym) == 35
    assert codec.decode_household(pseudonym, "pension") == "H000000000042"
    assert codec.encode_household("H999999999999", "pension") != pseudonym
    assert codec.encode_household("H000000000042", "tax") != pseudonym
    for bad, domain in (
        (pseudonym, "tax"),
        (_altered(pseudonym), "pension"),
        ("h" + codec.encode("12345678901", "pension"), "pension"),
        (pseudonym[1:], "pension"),
        ("h" + "A" * 34, "pension"),
    ):
        with pytest.raises(UnknownPseudonym):
            codec.decode_household(bad, domain)
    with pytest.raises(UnknownPseudonym):
        codec.decode(pseudonym[1:], "pension")
