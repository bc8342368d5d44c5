"""The service as a whole: its OpenAPI document, stable operation ids, health."""

from __future__ import annotations

import httpx

from tests.elections.factories import Actors, make_election, problem_of


async def test_openapi_has_stable_operation_ids(elections: httpx.AsyncClient) -> None:
    response = await elections.get("/elections/openapi.json")
    assert response.status_code == 200
    document = response.json()
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    for expected in (
        "elections_create_election",
        "elections_check_in_voter",
        "elections_undo_check_in",
        "elections_enter_tally",
        "elections_get_contest_result",
        "elections_get_election_results",
        "elections_record_lot",
        "elections_certify_result",
        "elections_build_roll",
        "elections_sync_roll",
        "elections_explain_roll_decision",
        "elections_get_turnout",
        "elections_get_hourly_turnout",
        "elections_export_results_nist",
        "elections_export_results_csv",
        "elections_verify_audit_log",
    ):
        assert expected in ids
    assert all(path.startswith("/elections/v1/") for path in document["paths"])


async def test_health(elections: httpx.AsyncClient) -> None:
    assert (await elections.get("/healthz")).status_code == 200
    assert (await elections.get("/readyz")).status_code == 200


async def test_ids_beyond_the_database_range_are_refused_not_overflowed(
    elections: httpx.AsyncClient, actors: Actors
) -> None:
    setup = await make_election(elections, actors)
    response = await elections.post(
        f"/elections/v1/elections/{setup.election_id}/polling-stations",
        json={
            "name": "x",
            "counting_district_id": 135349802329289361719296,
            "address_areas": ["丸の内9丁目"],
        },
        headers=actors.admin,
    )
    problem_of(response, 422)
    stations = await elections.get(
        f"/elections/v1/elections/{setup.election_id}/polling-stations", headers=actors.reader
    )
    assert len(stations.json()["items"]) == len(setup.station_ids)
