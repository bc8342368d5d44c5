from __future__ import annotations

import httpx


async def test_openapi_lists_every_operation_with_stable_ids(revitalization: httpx.AsyncClient) -> None:
    schema = (await revitalization.get("/revitalization/openapi.json")).json()
    operation_ids = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert {
        "revitalization_list_programmes",
        "revitalization_put_programme_year",
        "revitalization_create_application",
        "revitalization_submit_application",
        "revitalization_decide_application",
        "revitalization_check_application_eligibility",
        "revitalization_put_budget",
        "revitalization_record_disbursement",
        "revitalization_extend_placement",
        "revitalization_list_settlement_rates",
        "revitalization_list_allocation_claims",
        "revitalization_register_hometown",
        "revitalization_list_hometown_counts",
        "revitalization_export_grants_json",
        "revitalization_export_grants_csv",
    } <= operation_ids
    assert (await revitalization.get("/readyz")).status_code == 200
