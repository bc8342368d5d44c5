"""Organizations, filing, amendments and findings through the API."""

from __future__ import annotations

import asyncio

import pytest

from tests.funds.conftest import Funds, amendment, donation, report
from tests.shared.web.test_problems import assert_problem


async def test_file_and_read_report(api: Funds) -> None:
    party = await api.organization("party-a")
    response = await api.file(party, report([donation(60_000), donation(10_000, name="佐藤 花子")]))
    assert response.status_code == 201, response.text
    assert response.headers["etag"] == '"v1"'
    public = (await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025")).json()
    assert [line["name"] for line in public["lines"]] == ["山田 太郎"]
    assert public["lines"][0]["published_address"] == "東京都千代田区"
    assert public["lines"][0]["address"] is None
    full = (
        await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025", headers=api.review())
    ).json()
    assert [line["address"] for line in full["lines"]] == ["東京都千代田区霞が関2-1-2"] * 2


async def test_filer_cannot_file_for_another_organization(api: Funds) -> None:
    mine = await api.organization("party-a")
    other = await api.organization("party-b")
    response = await api.client.post(
        f"/funds/v1/organizations/{other['id']}/reports",
        json=report([donation(1_000)]),
        headers=api.filer(mine["filer_client_id"]),
    )
    assert_problem(response, 404, "not-found")
    assert (await api.client.get(f"/funds/v1/organizations/{other['id']}/reports/2025")).status_code == 404


async def test_inconsistent_report_is_refused_with_its_lines(api: Funds) -> None:
    party = await api.organization("party-a")
    body = report([donation(1_000), donation(2_000, day="2024-01-01")])
    body["category_totals"]["donation_individual"] = 1
    response = await api.file(party, body)
    assert_problem(response, 422, "inconsistent-report")
    pointers = [error["pointer"] for error in response.json()["errors"]]
    assert pointers == ["/lines/1/transaction_date", "/category_totals/donation_individual"]
    assert response.json()["failing_lines"] == [0, 1]
    assert (await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025")).status_code == 404


async def test_carried_forward_checked_against_last_year(api: Funds) -> None:
    party = await api.organization("party-a")
    assert (await api.file(party, report([donation(5_000, day="2024-05-01")], year=2024))).status_code == 201
    wrong = await api.file(party, report([donation(1_000)], year=2025, carried_forward=0))
    assert_problem(wrong, 422, "inconsistent-report")
    right = await api.file(party, report([donation(1_000)], year=2025, carried_forward=5_000))
    assert right.status_code == 201


async def test_idempotent_filing_and_duplicate_year(api: Funds) -> None:
    party = await api.organization("party-a")
    body = report([donation(1_000)])
    first = await api.file(party, body, **{"Idempotency-Key": "r-1"})
    again = await api.file(party, body, **{"Idempotency-Key": "r-1"})
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert_problem(await api.file(party, body), 409, "report-exists")


async def test_concurrent_filings_one_wins(api: Funds) -> None:
    party = await api.organization("party-a")
    body = report([donation(1_000)])
    responses = await asyncio.gather(api.file(party, body), api.file(party, body))
    assert sorted(r.status_code for r in responses) == [201, 409]


async def test_amendment_chain_and_findings_recomputed(api: Funds) -> None:
    other = await api.organization("club", kind="other_political_organization")
    filed = await api.file(other, report([donation(1_500_001)]))
    assert filed.status_code == 201
    findings = await api.findings(year=2025)
    assert [f["kind"] for f in findings] == ["individual_per_recipient_exceeded"]
    assert findings[0]["line_refs"] == [f"{other['id']}/2025/v1#0"]

    assert_problem(
        await api.amend(other, 2025, amendment([donation(1_500_000)]), None), 428, "if-match-required"
    )
    assert_problem(
        await api.amend(other, 2025, amendment([donation(1_500_000)]), '"v9"'), 412, "etag-mismatch"
    )
    amended = await api.amend(other, 2025, amendment([donation(1_500_000)], reason="金額訂正"), '"v1"')
    assert amended.status_code == 201, amended.text
    assert amended.json()["version"] == 2
    assert amended.json()["amends_version"] == 1
    assert await api.findings(year=2025) == []

    chain = (await api.client.get(f"/funds/v1/organizations/{other['id']}/reports/2025/versions")).json()
    assert [(v["version"], v["is_current"], v["amended_by_version"]) for v in chain] == [
        (1, False, 2),
        (2, True, None),
    ]
    old = await api.client.get(f"/funds/v1/organizations/{other['id']}/reports/2025/versions/1")
    assert old.json()["lines"][0]["amount"] == 1_500_001


async def test_concurrent_amendments_one_wins(api: Funds) -> None:
    party = await api.organization("party-a")
    assert (await api.file(party, report([donation(1_000)]))).status_code == 201
    responses = await asyncio.gather(
        api.amend(party, 2025, amendment([donation(2_000)]), '"v1"'),
        api.amend(party, 2025, amendment([donation(3_000)]), '"v1"'),
    )
    assert sorted(r.status_code for r in responses) == [201, 412]


async def test_limits_sum_across_organizations_and_matching(api: Funds) -> None:
    first = await api.organization("party-a")
    second = await api.organization("party-b")
    assert (await api.file(first, report([donation(10_000_000)]))).status_code == 201
    assert await api.findings(year=2025) == []
    same_person = donation(10_000_001, name="山田　太郎", address="千代田区霞が関二丁目1番2号")
    assert (await api.file(second, report([same_person]))).status_code == 201
    (finding,) = await api.findings(year=2025)
    assert finding["kind"] == "individual_party_total_exceeded"
    assert finding["amount"] == 20_000_001


async def test_company_breaches(api: Funds) -> None:
    club = await api.organization("club", kind="other_political_organization")
    line = donation(
        100_000, name="甲株式会社", category="donation_corporate", kind="company", capital_yen=1, foreign=True
    )
    assert (await api.file(club, report([line]))).status_code == 201
    kinds = sorted(f["kind"] for f in await api.findings(year=2025))
    assert kinds == ["body_to_non_party", "foreign_donor"]


async def test_findings_need_review_scope(api: Funds) -> None:
    assert (await api.client.get("/funds/v1/findings")).status_code == 401
    response = await api.client.get("/funds/v1/findings", headers=api.filer("x"))
    assert_problem(response, 403, "insufficient-scope")


@pytest.mark.parametrize(
    "path",
    [
        "/funds/v1/organizations/abc/reports/2025",
        "/funds/v1/organizations/1/reports/1800",
        "/funds/v1/findings?kind=x",
    ],
)
async def test_malformed_identifiers(api: Funds, path: str) -> None:
    response = await api.client.get(path, headers=api.review())
    assert response.status_code == 422


async def test_organization_relations_and_update(api: Funds) -> None:
    party = await api.organization("party-a")
    branch_body = {
        "name": "甲党東京支部",
        "kind": "party_branch",
        "filer_client_id": "branch",
        "representative_name": "支部 長",
        "treasurer_name": "会計 係",
        "office_municipality_code": "131016",
        "office_address": "千代田区1",
        "registered_date": "2010-01-01",
    }
    missing = await api.client.post("/funds/v1/organizations", json=branch_body, headers=api.admin())
    assert_problem(missing, 422, "invalid-organization")
    branch = await api.organization("branch", kind="party_branch", party_id=party["id"])
    assert branch["party_id"] == party["id"]
    taken = await api.client.post(
        "/funds/v1/organizations", json={**branch_body, "party_id": party["id"]}, headers=api.admin()
    )
    assert_problem(taken, 409, "filer-taken")
    public = (await api.client.get(f"/funds/v1/organizations/{branch['id']}")).json()
    assert public["filer_client_id"] is None
    update = {**branch_body, "party_id": party["id"], "dissolved_date": "2026-03-31"}
    no_etag = await api.client.put(
        f"/funds/v1/organizations/{branch['id']}", json=update, headers=api.admin()
    )
    assert_problem(no_etag, 428, "if-match-required")
    done = await api.client.put(
        f"/funds/v1/organizations/{branch['id']}", json=update, headers={**api.admin(), "If-Match": '"v1"'}
    )
    assert done.status_code == 200
    assert done.json()["dissolved_date"] == "2026-03-31"
    listed = (await api.client.get("/funds/v1/organizations", params={"party_id": party["id"]})).json()
    assert [o["id"] for o in listed["items"]] == [branch["id"]]


async def test_a_filing_answers_with_the_version_as_stored(api: Funds) -> None:
    club = await api.organization("club", kind="other_political_organization")
    lines = [
        donation(60_000),
        donation(10_000, name="佐藤 花子", occupation=None),
        donation(100_000, name="甲株式会社", category="donation_corporate", kind="company", capital_yen=5),
        {
            "category": "donation_individual",
            "amount": 500,
            "transaction_date": "2025-05-01",
            "donor_kind": "anonymous",
        },
        {"category": "office", "amount": 80_000, "transaction_date": "2025-06-01", "name": "乙商店"},
    ]
    filed = await api.file(club, report(lines))
    assert filed.status_code == 201, filed.text
    stored = await api.client.get(
        f"/funds/v1/organizations/{club['id']}/reports/2025/versions/1", headers=api.review()
    )
    assert filed.json() == stored.json()
    amended = await api.amend(club, 2025, amendment(lines[:2]), '"v1"')
    assert amended.status_code == 201, amended.text
    stored = await api.client.get(
        f"/funds/v1/organizations/{club['id']}/reports/2025/versions/2", headers=api.review()
    )
    assert amended.json() == stored.json()


async def test_an_amendment_drops_the_findings_of_donors_it_removes(api: Funds) -> None:
    club = await api.organization("club", kind="other_political_organization")
    company = donation(
        100_000, name="甲株式会社", category="donation_corporate", kind="company", capital_yen=5
    )
    person = donation(1_500_001)
    assert (await api.file(club, report([company, person]))).status_code == 201
    assert sorted(f["kind"] for f in await api.findings(year=2025)) == [
        "body_to_non_party",
        "individual_per_recipient_exceeded",
    ]
    assert (await api.amend(club, 2025, amendment([person]), '"v1"')).status_code == 201
    assert [f["kind"] for f in await api.findings(year=2025)] == ["individual_per_recipient_exceeded"]
    assert (await api.amend(club, 2025, amendment([donation(1_000)]), '"v2"')).status_code == 201
    assert await api.findings(year=2025) == []


async def test_one_organization_read_alone(api: Funds) -> None:
    party = await api.organization("party-a")
    response = await api.client.get(f"/funds/v1/organizations/{party['id']}")
    assert response.status_code == 200
    assert response.headers["etag"] == '"v1"'
    assert response.json()["name"] == party["name"]
    assert_problem(await api.client.get(f"/funds/v1/organizations/{party['id'] + 1000}"), 404, "not-found")
