"""Party subsidies through the API, and vote totals imported from the elections service."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from services.funds.settings import FundsSettings
from services.funds.subsidies.elections_client import fetch_results, votes_of_group
from services.funds.subsidies.service import gateway_client_factory, resolve_imports
from shared.contracts.funds import SubsidyInputs, VoteGroup
from shared.http.gateway_client import GatewayClient
from shared.web.problems import BadGateway, UnprocessableContent
from tests.funds.conftest import Funds
from tests.funds.subsidies.test_allocation import inputs
from tests.shared.web.test_problems import assert_problem


def request_body(**extra: Any) -> dict[str, Any]:
    return {"year": 2025, "inputs": inputs().model_dump(mode="json"), **extra}


async def test_calculate_matches_hand_computed_case(api: Funds) -> None:
    response = await api.client.post(
        "/funds/v1/party-subsidies/calculations", json=request_body(), headers=api.admin()
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 250_000
    amounts = {p["party_code"]: p["annual_amount"] for p in body["parties"]}
    assert amounts == {"A": 157_985, "B": 92_015, "C": 0, "D": 0}
    assert body["parties"][0]["instalments"] == [39_497, 39_496, 39_496, 39_496]
    assert "largest remainder" in body["rounding"]


async def test_mid_year_recalculation_is_prorated(api: Funds) -> None:
    after = inputs().model_dump(mode="json")
    after["parties"][1]["diet_members"] = 6  # B now has as many members as A
    body = request_body(recalculation={"effective_month": 7, "inputs": after})
    response = await api.client.post("/funds/v1/party-subsidies/calculations", json=body, headers=api.admin())
    parties = response.json()["parties"]
    assert sum(p["annual_amount"] for p in parties) == 250_000
    assert parties[1]["annual_amount"] > 92_015


async def test_record_once_and_read_publicly(api: Funds) -> None:
    headers = {**api.admin(), "Idempotency-Key": "alloc-2025"}
    first = await api.client.post(
        "/funds/v1/party-subsidies/allocations", json=request_body(), headers=headers
    )
    again = await api.client.post(
        "/funds/v1/party-subsidies/allocations", json=request_body(), headers=headers
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    duplicate = await api.client.post(
        "/funds/v1/party-subsidies/allocations", json=request_body(), headers=api.admin()
    )
    assert_problem(duplicate, 409, "allocation-exists")
    public = await api.client.get("/funds/v1/party-subsidies/allocations/2025")
    assert public.status_code == 200
    assert public.json()["total"] == 250_000
    assert (await api.client.get("/funds/v1/party-subsidies/allocations/2024")).status_code == 404


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"year": 1800}, 422),
        ({"inputs": {"census_population": 0, "parties": []}}, 422),
        ({"inputs": {**inputs().model_dump(mode="json"), "vote_groups": []}}, 422),
        ({"recalculation": {"effective_month": 13, "inputs": inputs().model_dump(mode="json")}}, 422),
    ],
)
async def test_bad_inputs_are_problems(api: Funds, change: dict[str, Any], status: int) -> None:
    response = await api.client.post(
        "/funds/v1/party-subsidies/allocations", json=request_body(**change), headers=api.admin()
    )
    assert response.status_code == status
    assert (await api.client.get("/funds/v1/party-subsidies/allocations/2025")).status_code == 404


async def test_scopes(api: Funds) -> None:
    path = "/funds/v1/party-subsidies/calculations"
    assert (await api.client.post(path, json=request_body())).status_code == 401
    assert (await api.client.post(path, json=request_body(), headers=api.review())).status_code == 403


async def test_import_without_gateway_client_is_503(api: Funds) -> None:
    body = inputs().model_dump(mode="json")
    body["imports"] = [{"group": "hr_single_member", "election_ids": [7]}]
    body["vote_groups"] = body["vote_groups"][1:]
    response = await api.client.post(
        "/funds/v1/party-subsidies/calculations", json={"year": 2025, "inputs": body}, headers=api.admin()
    )
    assert_problem(response, 503, "elections-import-unavailable")


def results(election_id: int) -> dict[str, Any]:
    contest = {
        "election_id": election_id,
        "seats": 1,
        "status": "certified",
        "counting_districts_reported": 1,
        "counting_districts_total": 1,
        "invalid_ballots": 0,
        "ballots_issued": 1000,
        "minimum_to_win": None,
        "deposit_forfeited_below": None,
        "steps": [],
        "lot_required": None,
        "seats_unfilled": 0,
        "re_election_required": False,
        "by_counting_district": [],
    }

    def candidate(cid: int, party: int | None, votes: str) -> dict[str, Any]:
        return {
            "candidate_id": cid,
            "name": f"候補{cid}",
            "party_id": party,
            "votes": votes,
            "elected": cid == 1,
            "reached_minimum": True,
            "deposit_forfeited": False,
        }

    return {
        "election_id": election_id,
        "name": "総選挙",
        "contests": [
            {
                **contest,
                "contest_id": 1,
                "name": "東京1区",
                "kind": "house_of_representatives_district",
                "valid_votes": "600",
                "candidates": [
                    candidate(1, 11, "400"),
                    candidate(2, 12, "150.5"),
                    candidate(3, None, "49.5"),
                ],
                "parties": [],
            },
            {
                **contest,
                "contest_id": 2,
                "name": "東京2区",
                "kind": "house_of_representatives_district",
                "valid_votes": "400",
                "candidates": [candidate(4, 11, "200"), candidate(5, 12, "200")],
                "parties": [],
            },
        ],
    }


def gateway(seen: list[httpx.Request]) -> GatewayClient:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 300})
        if request.url.path == "/elections/v1/elections/7/results":
            return httpx.Response(200, json=results(7))
        if request.url.path == "/elections/v1/elections/8/results":
            return httpx.Response(500, json={})
        return httpx.Response(404, json={})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return GatewayClient(
        http, gateway_url="http://gw", client_id="funds", client_secret="s", scopes="elections:read"
    )


async def test_vote_totals_imported_through_the_gateway() -> None:
    seen: list[httpx.Request] = []
    client = gateway(seen)
    votes = votes_of_group(await fetch_results(client, 7), VoteGroup.hr_single_member, {11: "A", 12: "B"})
    assert votes.total_valid_votes == 1000
    assert votes.party_votes == {"A": 600, "B": 350.5}
    assert seen[-1].headers["authorization"] == "Bearer t"
    with pytest.raises(UnprocessableContent):
        votes_of_group(await fetch_results(client, 7), VoteGroup.hc_district, {})
    with pytest.raises(UnprocessableContent):
        await fetch_results(client, 9)
    with pytest.raises(BadGateway):
        await fetch_results(client, 8)

    body = inputs().model_dump(mode="json")
    body["parties"][0]["elections_party_id"] = 11
    body["parties"][1]["elections_party_id"] = 12
    body["vote_groups"] = body["vote_groups"][1:]
    body["imports"] = [{"group": "hr_single_member", "election_ids": [7]}]
    resolved = await resolve_imports(SubsidyInputs.model_validate(body), lambda: client, "/inputs")
    imported = [g for g in resolved.vote_groups if g.group is VoteGroup.hr_single_member]
    assert imported[0].elections[0].party_votes == {"A": 600, "B": 350.5}


async def test_the_gateway_client_is_made_once_so_its_token_is_reused() -> None:
    """A token costs the gateway a secret verification: one per calculation was throttled away."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 300})
        return httpx.Response(200, json=results(7))

    settings = FundsSettings(client_id="funds", client_secret=SecretStr("s"), gateway_url="http://gw")
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
        clients = gateway_client_factory(settings, http)
        for _ in range(3):
            await fetch_results(clients(), 7)
    assert [request.url.path for request in seen].count("/oauth/token") == 1


async def test_the_budgeted_total_is_allocated_instead_of_its_basis(api: Funds) -> None:
    """政党助成法 art. 7: the budget sets the total, based on (not equal to) ¥250 × population."""
    response = await api.client.post(
        "/funds/v1/party-subsidies/calculations",
        json=request_body(budgeted_total=240_000),
        headers=api.admin(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 240_000
    assert sum(p["annual_amount"] for p in body["parties"]) == 240_000
    negative = await api.client.post(
        "/funds/v1/party-subsidies/calculations",
        json=request_body(budgeted_total=-1),
        headers=api.admin(),
    )
    assert negative.status_code == 422
