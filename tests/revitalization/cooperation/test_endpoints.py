"""The register of cooperation frameworks: dated members by local-government code, mergers followed
through the registry's code master, a prefecture's frameworks as of any day, allocation-tax items."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from tests.revitalization.factories import ADMIN, APPLY, FakeCodeMaster, headers
from tests.support.tokens import TokenFactory

BASE = "/revitalization/v1/cooperation-frameworks"
MORIOKA, TAKIZAWA, SHIZUKUISHI, KUZUMAKI, IWATE, SHIWA = (
    "032018",
    "032166",
    "033014",
    "033022",
    "033031",
    "033219",
)
MERGED = "033901"  # a new code: 0·6 + 3·5 + 3·4 + 9·3 + 0·2 = 54, 54 mod 11 = 10, check digit 11 - 10 = 1


def settlement(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "settlement_region",
        "name": "盛岡北部定住自立圏",
        "agreement_reference": "定住自立圏形成協定（令和2年3月25日締結）",
        "established_on": "2020-04-01",
        "members": [
            {"municipality_code": MORIOKA, "role": "central_city"},
            {"municipality_code": SHIZUKUISHI, "role": "partner"},
            {"municipality_code": KUZUMAKI, "role": "partner"},
            {"municipality_code": IWATE, "role": "partner"},
        ],
        **overrides,
    }


def codes_of(framework: dict[str, Any]) -> list[str]:
    return sorted(member["municipality_code"] for member in framework["members"])


async def _create(client: httpx.AsyncClient, tokens: TokenFactory, body: dict[str, Any]) -> httpx.Response:
    return await client.post(BASE, json=body, headers=headers(tokens, ADMIN))


async def test_a_framework_is_registered_with_valid_members_only(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    keyed = headers(tokens, ADMIN, **{"Idempotency-Key": "framework-1"})
    created = await revitalization.post(BASE, json=settlement(), headers=keyed)
    replay = await revitalization.post(BASE, json=settlement(), headers=keyed)
    assert created.status_code == replay.status_code == 201, created.text
    assert replay.json() == created.json()
    assert created.headers["ETag"] == '"v1"'
    body = created.json()
    assert body["members"][0] == {
        "id": body["members"][0]["id"],
        "municipality_code": MORIOKA,
        "name": "岩手県盛岡市",
        "role": "central_city",
        "joined_on": "2020-04-01",
        "left_on": None,
        "leave_reason": None,
        "succeeded_from": None,
        "recorded_by": "muni-portal",
    }

    two_centrals = settlement(
        members=[*settlement()["members"], {"municipality_code": TAKIZAWA, "role": "central_city"}]
    )
    no_partner = settlement(members=[{"municipality_code": MORIOKA, "role": "central_city"}])
    twice = settlement(members=[*settlement()["members"], {"municipality_code": IWATE, "role": "partner"}])
    for bad in (two_centrals, no_partner, twice):
        refused = await _create(revitalization, tokens, bad)
        assert refused.status_code == 422
        assert refused.json()["type"] == "urn:jichi:problem:framework-composition"
    wrong_role = settlement(
        members=[*settlement()["members"], {"municipality_code": TAKIZAWA, "role": "host"}]
    )
    prefecture = settlement(
        members=[*settlement()["members"], {"municipality_code": "030007", "role": "partner"}]
    )
    early = settlement(
        members=[
            *settlement()["members"],
            {"municipality_code": TAKIZAWA, "role": "partner", "joined_on": "2019-04-01"},
        ]
    )
    for bad in (wrong_role, prefecture, early):
        refused = await _create(revitalization, tokens, bad)
        assert refused.json()["type"] == "urn:jichi:problem:member-not-allowed", refused.text
    check_digit = settlement(
        members=[*settlement()["members"], {"municipality_code": "033015", "role": "partner"}]
    )
    for bad in (check_digit, settlement(kind="metropolis"), settlement(members=[]), settlement(name="")):
        assert (await _create(revitalization, tokens, bad)).status_code == 422
    assert (await revitalization.post(BASE, json=settlement())).status_code == 401
    assert (
        await revitalization.post(BASE, json=settlement(), headers=headers(tokens, APPLY))
    ).status_code == 403

    union = {
        "kind": "partial_affairs_association",
        "name": "盛岡地区衛生処理組合",
        "agreement_reference": "盛岡地区衛生処理組合規約",
        "established_on": "1970-04-01",
        "members": [
            {"municipality_code": MORIOKA, "role": "member"},
            {"municipality_code": "030007", "role": "member"},
        ],
    }
    assert (await _create(revitalization, tokens, union)).status_code == 201
    zone = {
        "kind": "community_network_zone",
        "name": "葛巻町江刈地区の小さな拠点",
        "agreement_reference": "葛巻町地域再生計画",
        "established_on": "2019-04-01",
        "members": [{"municipality_code": KUZUMAKI, "role": "host"}],
    }
    assert (await _create(revitalization, tokens, zone)).status_code == 201
    two_hosts = {**zone, "members": [*zone["members"], {"municipality_code": IWATE, "role": "host"}]}
    assert (await _create(revitalization, tokens, two_hosts)).status_code == 422


async def test_members_join_and_leave_on_dated_days_with_if_match(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    framework = (await _create(revitalization, tokens, settlement())).json()
    url = f"{BASE}/{framework['id']}"
    joining = {"municipality_code": SHIWA, "role": "partner", "joined_on": "2022-04-01"}
    assert (
        await revitalization.post(f"{url}/members", json=joining, headers=headers(tokens, ADMIN))
    ).status_code == 428
    stale = headers(tokens, ADMIN, **{"If-Match": '"v9"'})
    assert (await revitalization.post(f"{url}/members", json=joining, headers=stale)).status_code == 412
    joined = await revitalization.post(
        f"{url}/members", json=joining, headers=headers(tokens, ADMIN, **{"If-Match": '"v1"'})
    )
    assert joined.status_code == 200, joined.text
    assert joined.headers["ETag"] == '"v2"'
    second_central = {"municipality_code": TAKIZAWA, "role": "central_city", "joined_on": "2023-01-01"}
    refused = await revitalization.post(
        f"{url}/members", json=second_central, headers=headers(tokens, ADMIN, **{"If-Match": '"v2"'})
    )
    assert refused.json()["type"] == "urn:jichi:problem:framework-composition"
    leaving = {"municipality_code": IWATE, "left_on": "2023-04-01"}
    left = await revitalization.post(
        f"{url}/departures", json=leaving, headers=headers(tokens, ADMIN, **{"If-Match": '"v2"'})
    )
    assert left.status_code == 200, left.text
    iwate = next(m for m in left.json()["members"] if m["municipality_code"] == IWATE)
    assert (iwate["left_on"], iwate["leave_reason"]) == ("2023-04-01", "withdrawal")
    again = await revitalization.post(
        f"{url}/departures", json=leaving, headers=headers(tokens, ADMIN, **{"If-Match": '"v3"'})
    )
    assert again.json()["type"] == "urn:jichi:problem:member-not-found"
    assert (await revitalization.get(f"{BASE}/999999")).json()[
        "type"
    ] == "urn:jichi:problem:framework-not-found"

    # Public: the framework on a day shows that day's members.
    on_2022 = await revitalization.get(f"{url}?as_of=2022-06-01")
    assert codes_of(on_2022.json()) == [MORIOKA, SHIZUKUISHI, KUZUMAKI, IWATE, SHIWA]
    assert codes_of((await revitalization.get(f"{url}?as_of=2023-04-01")).json()) == [
        MORIOKA,
        SHIZUKUISHI,
        KUZUMAKI,
        SHIWA,
    ]


async def test_a_framework_whose_members_merged_follows_the_code_master(
    revitalization: httpx.AsyncClient, tokens: TokenFactory, codes: FakeCodeMaster
) -> None:
    framework = (await _create(revitalization, tokens, settlement())).json()
    url = f"{BASE}/{framework['id']}"
    joining = {"municipality_code": SHIWA, "role": "partner", "joined_on": "2022-04-01"}
    await revitalization.post(
        f"{url}/members", json=joining, headers=headers(tokens, ADMIN, **{"If-Match": '"v1"'})
    )
    # Shizukuishi and Kuzumaki form a new town on 2025-04-01; Morioka absorbs Shiwa on 2026-01-01.
    codes.merge([SHIZUKUISHI, KUZUMAKI], into=MERGED, on=date(2025, 4, 1))
    codes.merge([MORIOKA, SHIWA], into=MORIOKA, on=date(2026, 1, 1))
    check = f"{url}/succession-checks"
    admin = headers(tokens, ADMIN)

    before = await revitalization.post(check, json={"as_of": "2025-03-31"}, headers=admin)
    assert before.status_code == 200, before.text
    assert all(member["left_on"] is None for member in before.json()["members"])

    merged = await revitalization.post(check, json={"as_of": "2025-06-01"}, headers=admin)
    members = {m["municipality_code"]: m for m in merged.json()["members"]}
    for old in (SHIZUKUISHI, KUZUMAKI):
        assert (members[old]["left_on"], members[old]["leave_reason"]) == ("2025-04-01", "merger")
    new = members[MERGED]
    assert (new["role"], new["joined_on"], new["left_on"]) == ("partner", "2025-04-01", None)
    assert new["succeeded_from"] == members[SHIZUKUISHI]["id"]
    assert new["name"] == MERGED  # newer than the code list: published by its code
    assert [m["municipality_code"] for m in merged.json()["members"]].count(MERGED) == 1
    assert merged.headers["ETag"] == f'"v{before.json()["version"] + 1}"'
    unchanged = await revitalization.post(check, json={"as_of": "2025-06-01"}, headers=admin)
    assert unchanged.json() == merged.json()

    absorbed = await revitalization.post(check, json={"as_of": "2026-01-01"}, headers=admin)
    members = {m["municipality_code"]: m for m in absorbed.json()["members"]}
    assert (members[SHIWA]["left_on"], members[SHIWA]["leave_reason"]) == ("2026-01-01", "merger")
    assert [m["municipality_code"] for m in absorbed.json()["members"]].count(MORIOKA) == 1

    # As of any day, the members of that day.
    listed = {
        day: await revitalization.get(f"{BASE}?prefecture=03&kind=settlement_region&as_of={day}")
        for day in ("2019-12-31", "2021-01-01", "2025-03-31", "2025-04-01", "2026-01-01")
    }
    assert listed["2019-12-31"].json()["items"] == []
    assert [codes_of(f) for f in listed["2021-01-01"].json()["items"]] == [
        [MORIOKA, SHIZUKUISHI, KUZUMAKI, IWATE]
    ]
    assert [codes_of(f) for f in listed["2025-03-31"].json()["items"]] == [
        [MORIOKA, SHIZUKUISHI, KUZUMAKI, IWATE, SHIWA]
    ]
    assert [codes_of(f) for f in listed["2025-04-01"].json()["items"]] == [[MORIOKA, IWATE, SHIWA, MERGED]]
    assert [codes_of(f) for f in listed["2026-01-01"].json()["items"]] == [[MORIOKA, IWATE, MERGED]]
    assert (await revitalization.get(f"{BASE}?prefecture=13&as_of=2025-04-01")).json()["items"] == []
    for bad in ("prefecture=48", "prefecture=3", "as_of=2025-02-30", "kind=metropolis"):
        assert (await revitalization.get(f"{BASE}?{bad}")).status_code == 422

    codes.down = True
    down = await revitalization.post(check, json={"as_of": "2026-06-01"}, headers=admin)
    assert down.status_code == 502
    assert down.json()["type"] == "urn:jichi:problem:registry-unavailable"


async def test_allocation_tax_items_follow_roles_and_years_with_their_sources(
    revitalization: httpx.AsyncClient, tokens: TokenFactory
) -> None:
    framework = (await _create(revitalization, tokens, settlement())).json()
    url = f"{BASE}/{framework['id']}"
    leaving = {"municipality_code": IWATE, "left_on": "2024-04-01"}
    await revitalization.post(
        f"{url}/departures", json=leaving, headers=headers(tokens, ADMIN, **{"If-Match": '"v1"'})
    )
    items = (await revitalization.get(f"{url}/allocation-tax-items?fiscal_year=2024")).json()
    # Iwate left on the first day of FY2024: it has no item that year; it had one in FY2023.
    assert sorted((i["municipality_code"], i["measure_id"]) for i in items) == [
        (MORIOKA, "settlement-central-comprehensive"),
        (SHIZUKUISHI, "settlement-partner-comprehensive"),
        (KUZUMAKI, "settlement-partner-comprehensive"),
    ][:1] + sorted(
        [(KUZUMAKI, "settlement-partner-comprehensive"), (SHIZUKUISHI, "settlement-partner-comprehensive")]
    )
    central = next(i for i in items if i["role"] == "central_city")
    assert (central["tax"], central["annual_amount"], central["amount_basis"]) == (
        "special",
        40_000_000,
        "about",
    )
    assert central["verified"] is False
    assert central["source_url"].startswith("https://")
    fy2023 = (await revitalization.get(f"{url}/allocation-tax-items?fiscal_year=2023")).json()
    assert IWATE in {i["municipality_code"] for i in fy2023}
    english = await revitalization.get(
        f"{url}/allocation-tax-items?fiscal_year=2024", headers={"Accept-Language": "en"}
    )
    assert english.headers["Content-Language"] == "en"
    assert english.json()[0]["name"].startswith("Settlement region")
    assert (await revitalization.get(f"{url}/allocation-tax-items")).status_code == 422
    before_measures = (await revitalization.get(f"{url}/allocation-tax-items?fiscal_year=2008")).json()
    assert before_measures == []
