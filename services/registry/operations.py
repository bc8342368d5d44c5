"""The registry service's operations as generated clients know them: see `Operation` in
shared/web/openapi.py; tests/contract/test_documents.py pins the ids."""

from __future__ import annotations

from pathlib import Path

from shared.web.openapi import Operation, Operations, load_examples

OPERATIONS: Operations = {
    ("GET", "/registry/v1/caller"): Operation(
        "registry_get_caller",
    ),
    ("GET", "/registry/v1/local-government-codes"): Operation(
        "registry_list_local_government_codes",
    ),
    ("GET", "/registry/v1/local-government-codes/{code}"): Operation(
        "registry_get_local_government_code",
        problems=(
            "code-not-in-force",
            "unknown-local-government-code",
        ),
    ),
    ("GET", "/registry/v1/local-government-codes/{code}/successors"): Operation(
        "registry_list_successor_codes",
        problems=("unknown-local-government-code",),
    ),
    ("GET", "/registry/v1/statistics/population"): Operation(
        "registry_get_population_statistics",
        problems=("unknown-local-government-code",),
    ),
    ("GET", "/registry/v1/statistics/movements"): Operation(
        "registry_get_movement_statistics",
        problems=(
            "invalid-period",
            "unknown-local-government-code",
        ),
    ),
    ("GET", "/registry/v1/purposes"): Operation(
        "registry_list_purpose_codes",
    ),
    ("GET", "/registry/v1/local-government-code-changes"): Operation(
        "registry_list_code_changes",
    ),
    ("POST", "/registry/v1/local-government-code-changes"): Operation(
        "registry_record_code_change",
        problems=(
            "code-already-issued",
            "code-not-in-force",
            "duplicate-code",
            "invalid-succession",
            "prefecture-code",
            "successor-required",
            "unknown-local-government-code",
            "unknown-prefecture",
        ),
    ),
    ("POST", "/registry/v1/residents"): Operation(
        "registry_register_resident",
        problems=(
            "birth-date-mismatch",
            "code-not-in-force",
            "event-before-birth",
            "event-date-in-future",
            "foreign-resident-status-not-applicable",
            "foreign-resident-status-required",
            "individual-number-registered",
            "not-a-residence-municipality",
            "resident-code-exhausted",
            "unknown-household-head",
            "unknown-local-government-code",
            "pseudonyms-not-supported",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/registry/v1/residents"): Operation(
        "registry_list_residents",
        problems=(
            "access-log-unavailable",
            "unknown-local-government-code",
        ),
    ),
    ("GET", "/registry/v1/residents/{resident_code}"): Operation(
        "registry_get_resident",
        problems=(
            "access-log-unavailable",
            "no-record-on-date",
            "resident-not-found",
            "invalid-resident-id",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/registry/v1/residents/by-individual-number"): Operation(
        "registry_find_resident_by_individual_number",
        problems=(
            "access-log-unavailable",
            "resident-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/registry/v1/residents/matches"): Operation(
        "registry_search_residents",
        problems=("access-log-unavailable",),
    ),
    ("POST", "/registry/v1/residents/verifications"): Operation(
        "registry_verify_residents",
        problems=("access-log-unavailable", "invalid-resident-id"),
    ),
    ("GET", "/registry/v1/residents/{resident_code}/events"): Operation(
        "registry_list_resident_events",
        problems=(
            "access-log-unavailable",
            "resident-not-found",
            "invalid-resident-id",
        ),
    ),
    ("POST", "/registry/v1/residents/{resident_code}/events"): Operation(
        "registry_record_resident_event",
        problems=(
            "code-not-in-force",
            "correction-before-registration",
            "event-before-birth",
            "event-date-in-future",
            "event-out-of-order",
            "foreign-resident-status-not-applicable",
            "foreign-resident-status-required",
            "if-match-required",
            "invalid-correction",
            "not-a-residence-municipality",
            "not-same-municipality",
            "period-of-stay-not-ended",
            "removal-not-applicable",
            "resident-deceased",
            "resident-not-active",
            "resident-not-found",
            "resident-not-moved-out",
            "unknown-household-head",
            "unknown-local-government-code",
            "pseudonyms-not-supported",
        ),
        headers={201: ("ETag",)},
    ),
    ("POST", "/registry/v1/residents/{resident_code}/resident-code-changes"): Operation(
        "registry_change_resident_code",
        problems=(
            "etag-mismatch",
            "event-date-in-future",
            "if-match-required",
            "resident-code-exhausted",
            "resident-not-active",
            "resident-not-found",
            "pseudonyms-not-supported",
        ),
        headers={201: ("ETag", "Location")},
    ),
    ("GET", "/registry/v1/households/{household_id}"): Operation(
        "registry_get_household",
        problems=(
            "access-log-unavailable",
            "household-not-found",
            "invalid-household-id",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/registry/v1/households/{household_id}/events"): Operation(
        "registry_record_household_event",
        problems=(
            "etag-mismatch",
            "event-date-in-future",
            "event-out-of-order",
            "household-head-cannot-leave",
            "household-not-found",
            "household-relationships-mismatch",
            "if-match-required",
            "not-a-household-member",
            "same-household",
            "pseudonyms-not-supported",
        ),
        headers={201: ("ETag",)},
    ),
    ("PUT", "/registry/v1/residents/{resident_code}/protection"): Operation(
        "registry_set_resident_protection",
        problems=(
            "if-match-required",
            "resident-not-found",
            "pseudonyms-not-supported",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/registry/v1/residents/{resident_code}/access-records"): Operation(
        "registry_list_access_records",
        problems=("access-log-tree-incomplete",),
    ),
    ("POST", "/registry/v1/access-log/entries"): Operation(
        "registry_record_access_log_entries",
        problems=(
            "access-log-unavailable",
            "invalid-purpose",
            "unknown-purpose",
        ),
    ),
    ("POST", "/registry/v1/access-log/checkpoints"): Operation(
        "registry_create_access_log_checkpoint",
        problems=(
            "access-log-tree-incomplete",
            "no-checkpoint",
        ),
    ),
    ("GET", "/registry/v1/access-log/checkpoints"): Operation(
        "registry_list_access_log_checkpoints",
    ),
    ("GET", "/registry/v1/access-log/checkpoints/latest"): Operation(
        "registry_get_latest_access_log_checkpoint",
        problems=("no-checkpoint",),
    ),
    ("GET", "/registry/v1/access-log/consistency"): Operation(
        "registry_get_access_log_consistency",
        problems=(
            "access-log-tree-incomplete",
            "invalid-tree-sizes",
            "tree-size-not-checkpointed",
        ),
    ),
    ("GET", "/registry/v1/access-log/leaves"): Operation(
        "registry_list_access_log_leaves",
        problems=(
            "access-log-tree-incomplete",
            "invalid-leaf-range",
            "tree-size-not-checkpointed",
        ),
    ),
    ("GET", "/registry/v1/access-log/keys"): Operation(
        "registry_list_access_log_keys",
    ),
    ("GET", "/registry/v1/events"): Operation(
        "registry_list_events",
        problems=("access-log-unavailable",),
    ),
    ("POST", "/registry/v1/subscriptions"): Operation(
        "registry_create_subscription",
        problems=("too-many-subscriptions", "webhook-address-not-allowed"),
        headers={201: ("Location",)},
    ),
    ("GET", "/registry/v1/subscriptions/{subscription_id}"): Operation(
        "registry_get_subscription",
        problems=("subscription-not-found",),
    ),
    ("POST", "/registry/v1/subscriptions/{subscription_id}/members"): Operation(
        "registry_add_subscription_members",
        problems=("subscription-not-found", "invalid-resident-id", "unknown-purpose"),
    ),
    ("POST", "/registry/v1/subscriptions/{subscription_id}/member-removals"): Operation(
        "registry_remove_subscription_members",
        problems=("subscription-not-found", "invalid-resident-id"),
    ),
    ("GET", "/registry/v1/subscriptions/{subscription_id}/events"): Operation(
        "registry_list_subscription_events",
        problems=("subscription-not-found", "access-log-unavailable"),
    ),
    ("GET", "/registry/v1/subscriptions/{subscription_id}/deliveries"): Operation(
        "registry_list_subscription_deliveries",
        problems=("subscription-not-found",),
    ),
    ("POST", "/registry/v1/subscriptions/{subscription_id}/deliveries/{delivery_id}/replay"): Operation(
        "registry_replay_subscription_delivery",
        problems=("subscription-not-found", "delivery-not-found", "delivery-not-dead"),
    ),
}

EXAMPLES = load_examples(Path(__file__).with_name("examples.json"))
