"""The registry app as a whole: its operations and their stable ids (clients are generated from them)."""

from __future__ import annotations

from services.registry.app import create_app
from services.registry.settings import RegistrySettings

EXPECTED = {
    ("get", "/registry/v1/local-government-codes"): "registry_list_local_government_codes",
    ("get", "/registry/v1/local-government-codes/{code}"): "registry_get_local_government_code",
    ("get", "/registry/v1/local-government-codes/{code}/successors"): "registry_list_successor_codes",
    ("get", "/registry/v1/local-government-code-changes"): "registry_list_code_changes",
    ("post", "/registry/v1/local-government-code-changes"): "registry_record_code_change",
    ("post", "/registry/v1/residents"): "registry_register_resident",
    ("get", "/registry/v1/residents"): "registry_list_residents",
    ("get", "/registry/v1/residents/{resident_code}"): "registry_get_resident",
    ("post", "/registry/v1/residents/by-individual-number"): "registry_find_resident_by_individual_number",
    ("post", "/registry/v1/residents/matches"): "registry_search_residents",
    ("post", "/registry/v1/residents/verifications"): "registry_verify_residents",
    ("get", "/registry/v1/residents/{resident_code}/events"): "registry_list_resident_events",
    ("post", "/registry/v1/residents/{resident_code}/events"): "registry_record_resident_event",
    ("put", "/registry/v1/residents/{resident_code}/protection"): "registry_set_resident_protection",
    ("post", "/registry/v1/residents/{resident_code}/resident-code-changes"): "registry_change_resident_code",
    ("get", "/registry/v1/households/{household_id}"): "registry_get_household",
    ("post", "/registry/v1/households/{household_id}/events"): "registry_record_household_event",
    ("get", "/registry/v1/residents/{resident_code}/access-records"): "registry_list_access_records",
    ("post", "/registry/v1/access-log/entries"): "registry_record_access_log_entries",
    ("post", "/registry/v1/access-log/checkpoints"): "registry_create_access_log_checkpoint",
    ("get", "/registry/v1/access-log/checkpoints"): "registry_list_access_log_checkpoints",
    ("get", "/registry/v1/access-log/checkpoints/latest"): "registry_get_latest_access_log_checkpoint",
    ("get", "/registry/v1/access-log/consistency"): "registry_get_access_log_consistency",
    ("get", "/registry/v1/access-log/leaves"): "registry_list_access_log_leaves",
    ("get", "/registry/v1/access-log/keys"): "registry_list_access_log_keys",
    ("get", "/registry/v1/events"): "registry_list_events",
    ("get", "/registry/v1/caller"): "registry_get_caller",
    ("get", "/registry/v1/purposes"): "registry_list_purpose_codes",
    ("get", "/registry/v1/statistics/population"): "registry_get_population_statistics",
    ("get", "/registry/v1/statistics/movements"): "registry_get_movement_statistics",
    ("post", "/registry/v1/subscriptions"): "registry_create_subscription",
    ("get", "/registry/v1/subscriptions/{subscription_id}"): "registry_get_subscription",
    ("post", "/registry/v1/subscriptions/{subscription_id}/members"): "registry_add_subscription_members",
    (
        "post",
        "/registry/v1/subscriptions/{subscription_id}/member-removals",
    ): "registry_remove_subscription_members",
    ("get", "/registry/v1/subscriptions/{subscription_id}/events"): "registry_list_subscription_events",
    (
        "get",
        "/registry/v1/subscriptions/{subscription_id}/deliveries",
    ): "registry_list_subscription_deliveries",
    (
        "post",
        "/registry/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay",
    ): "registry_replay_subscription_delivery",
}


def test_operations_and_ids_are_stable() -> None:
    schema = create_app(RegistrySettings()).openapi()
    found = {
        (method, path): operation["operationId"]
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert found == EXPECTED


def test_personal_reads_document_the_purpose_header() -> None:
    schema = create_app(RegistrySettings()).openapi()
    operation = schema["paths"]["/registry/v1/residents/{resident_code}"]["get"]
    purpose = next(parameter for parameter in operation["parameters"] if parameter["name"] == "X-Purpose")
    assert purpose["schema"]["pattern"].startswith("^jichi:purpose:")
    assert "description*=UTF-8''" in purpose["description"]
