"""The revitalization service's operations as generated clients know them: see `Operation` in
shared/web/openapi.py; tests/contract/test_documents.py pins the ids."""

from __future__ import annotations

from pathlib import Path

from shared.web.openapi import Operation, Operations, load_examples

OPERATIONS: Operations = {
    ("GET", "/revitalization/v1/caller"): Operation(
        "revitalization_get_caller",
    ),
    ("GET", "/revitalization/v1/programmes"): Operation(
        "revitalization_list_programmes",
        headers={200: ("Content-Language",)},
    ),
    ("POST", "/revitalization/v1/programmes"): Operation(
        "revitalization_create_programme",
        problems=("programme-exists",),
        headers={201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/programmes/{code}"): Operation(
        "revitalization_get_programme",
        problems=("programme-not-found",),
        headers={
            200: (
                "Content-Language",
                "ETag",
            )
        },
    ),
    ("PUT", "/revitalization/v1/programmes/{code}"): Operation(
        "revitalization_replace_programme",
        problems=(
            "if-match-required",
            "programme-not-found",
            "rules-incomplete",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/programmes/{code}/texts"): Operation(
        "revitalization_get_programme_texts",
        problems=("programme-not-found",),
        headers={200: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/programmes/{code}/fiscal-years/{fiscal_year}"): Operation(
        "revitalization_get_programme_year",
        problems=(
            "programme-not-found",
            "rules-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/revitalization/v1/programmes/{code}/fiscal-years/{fiscal_year}"): Operation(
        "revitalization_put_programme_year",
        problems=(
            "if-match-required",
            "programme-not-found",
            "rules-exist",
            "rules-incomplete",
        ),
        headers={200: ("ETag",), 201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/municipality-categories"): Operation(
        "revitalization_list_municipality_categories",
    ),
    ("POST", "/revitalization/v1/municipality-categories"): Operation(
        "revitalization_create_municipality_categories",
        problems=(
            "municipality-category-exists",
            "not-a-municipality",
        ),
    ),
    ("GET", "/revitalization/v1/municipality-categories/{fiscal_year}/{municipality_code}"): Operation(
        "revitalization_get_municipality_category",
        problems=("municipality-category-not-found",),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/revitalization/v1/municipality-categories/{fiscal_year}/{municipality_code}"): Operation(
        "revitalization_put_municipality_category",
        problems=(
            "if-match-required",
            "municipality-category-exists",
            "municipality-category-not-found",
            "not-a-municipality",
        ),
        headers={200: ("ETag",), 201: ("ETag",)},
    ),
    (
        "GET",
        "/revitalization/v1/municipality-categories/{fiscal_year}/{municipality_code}/changes",
    ): Operation(
        "revitalization_list_municipality_category_changes",
    ),
    ("POST", "/revitalization/v1/applications"): Operation(
        "revitalization_create_application",
        problems=(
            "programme-not-found",
            "rules-not-found",
        ),
        headers={201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/applications"): Operation(
        "revitalization_list_applications",
    ),
    ("GET", "/revitalization/v1/applications/{application_id}"): Operation(
        "revitalization_get_application",
        problems=("application-not-found",),
        headers={200: ("ETag",)},
    ),
    ("PATCH", "/revitalization/v1/applications/{application_id}"): Operation(
        "revitalization_edit_application",
        problems=(
            "application-not-found",
            "if-match-required",
            "not-editable",
            "not-the-applicant",
            "null-not-allowed",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/submissions"): Operation(
        "revitalization_submit_application",
        problems=(
            "already-disbursed",
            "application-not-found",
            "budget-inconsistent",
            "if-match-required",
            "illegal-transition",
            "not-the-applicant",
            "reason-required",
            "transition-not-allowed-for-role",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/withdrawals"): Operation(
        "revitalization_withdraw_application",
        problems=(
            "already-disbursed",
            "application-not-found",
            "budget-inconsistent",
            "if-match-required",
            "illegal-transition",
            "not-the-applicant",
            "reason-required",
            "transition-not-allowed-for-role",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/decisions"): Operation(
        "revitalization_decide_application",
        problems=(
            "amount-above-cap",
            "amount-above-request",
            "amount-required",
            "application-not-found",
            "budget-exhausted",
            "eligibility-not-established",
            "if-match-required",
            "illegal-transition",
            "no-budget",
            "programme-not-found",
            "reason-required",
            "rules-not-found",
            "term-dates-missing",
            "term-out-of-limits",
            "transition-not-allowed-for-role",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/eligibility-checks"): Operation(
        "revitalization_check_application_eligibility",
        problems=(
            "application-not-found",
            "etag-mismatch",
            "not-under-review",
            "programme-not-found",
            "registry-unavailable",
            "rules-not-found",
        ),
    ),
    ("GET", "/revitalization/v1/applications/{application_id}/transitions"): Operation(
        "revitalization_list_application_transitions",
        problems=("application-not-found",),
    ),
    ("GET", "/revitalization/v1/budgets"): Operation(
        "revitalization_list_budgets",
    ),
    ("GET", "/revitalization/v1/budgets/{programme_code}/{fiscal_year}/{municipality_code}"): Operation(
        "revitalization_get_budget",
        problems=("budget-not-found",),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/revitalization/v1/budgets/{programme_code}/{fiscal_year}/{municipality_code}"): Operation(
        "revitalization_put_budget",
        problems=(
            "budget-below-committed",
            "budget-changed",
            "budget-exists",
            "if-match-required",
            "programme-not-found",
            "rules-not-found",
        ),
        headers={200: ("ETag",), 201: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/disbursements"): Operation(
        "revitalization_record_disbursement",
        problems=(
            "above-approved-amount",
            "application-not-found",
            "budget-inconsistent",
            "not-a-budget-year-of-the-award",
            "not-awarded",
        ),
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/carry-overs"): Operation(
        "revitalization_carry_over_award",
        problems=(
            "above-unspent",
            "already-carried-over",
            "application-not-found",
            "award-changed",
            "budget-inconsistent",
            "carry-over-outside-award-year",
            "not-awarded",
            "programme-not-found",
            "rules-not-found",
        ),
    ),
    ("GET", "/revitalization/v1/applications/{application_id}/carry-overs"): Operation(
        "revitalization_list_carry_overs",
        problems=("application-not-found",),
    ),
    ("GET", "/revitalization/v1/applications/{application_id}/disbursements"): Operation(
        "revitalization_list_disbursements",
        problems=("application-not-found",),
    ),
    ("GET", "/revitalization/v1/placements"): Operation(
        "revitalization_list_placements",
    ),
    ("GET", "/revitalization/v1/placements/{placement_id}"): Operation(
        "revitalization_get_placement",
        problems=("placement-not-found",),
    ),
    ("POST", "/revitalization/v1/placements/{placement_id}/extensions"): Operation(
        "revitalization_extend_placement",
        problems=(
            "extension-beyond-limit",
            "extension-not-later",
            "if-match-required",
            "placement-closed",
            "placement-not-found",
            "unprocessable-content",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/placements/{placement_id}/settlement-checks"): Operation(
        "revitalization_check_placement_settlement",
        problems=(
            "date-in-future",
            "etag-mismatch",
            "no-resident-code",
            "placement-not-found",
            "registry-unavailable",
            "term-not-ended",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/settlement-rates"): Operation(
        "revitalization_list_settlement_rates",
    ),
    ("POST", "/revitalization/v1/spending-lines"): Operation(
        "revitalization_record_spending_lines",
        problems=(
            "not-claimable",
            "unknown-category",
            "wrong-claimant",
        ),
    ),
    ("GET", "/revitalization/v1/spending-lines"): Operation(
        "revitalization_list_spending_lines",
    ),
    ("GET", "/revitalization/v1/allocation-claims"): Operation(
        "revitalization_list_allocation_claims",
    ),
    ("POST", "/revitalization/v1/calls"): Operation(
        "revitalization_create_call",
        problems=("programme-not-found", "rules-not-found"),
        headers={201: ("ETag", "Location")},
    ),
    ("GET", "/revitalization/v1/calls"): Operation(
        "revitalization_search_calls",
    ),
    ("GET", "/revitalization/v1/call-deadlines.ics"): Operation(
        "revitalization_get_call_deadlines",
    ),
    ("GET", "/revitalization/v1/call-opportunities"): Operation(
        "revitalization_search_call_opportunities",
    ),
    ("GET", "/revitalization/v1/call-opportunities/{call_id}"): Operation(
        "revitalization_get_call_opportunity",
        problems=("call-not-found",),
    ),
    ("GET", "/revitalization/v1/calls/{call_id}"): Operation(
        "revitalization_get_call",
        problems=("call-not-found",),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/calls/{call_id}/archivals"): Operation(
        "revitalization_archive_call",
        problems=("call-not-closed", "call-not-found", "if-match-required", "not-the-call-owner"),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/calls/{call_id}/applications"): Operation(
        "revitalization_apply_to_call",
        problems=("call-not-found", "call-not-open"),
        headers={201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/calls/{call_id}/applications"): Operation(
        "revitalization_list_call_applications",
        problems=("call-not-found",),
    ),
    ("GET", "/revitalization/v1/calls/{call_id}/audit"): Operation(
        "revitalization_list_call_audit",
        problems=("call-not-found", "not-the-call-owner"),
    ),
    ("POST", "/revitalization/v1/calls/{call_id}/reviewers"): Operation(
        "revitalization_add_call_reviewer",
        problems=("call-not-found", "not-the-call-owner", "reviewer-exists"),
    ),
    ("GET", "/revitalization/v1/calls/{call_id}/reviewers"): Operation(
        "revitalization_list_call_reviewers",
        problems=("call-not-found", "not-the-call-owner"),
    ),
    ("GET", "/revitalization/v1/call-applications/{application_id}"): Operation(
        "revitalization_get_call_application",
        problems=("call-application-not-found",),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/call-applications/{application_id}/assignments"): Operation(
        "revitalization_assign_call_reviewer",
        problems=(
            "already-assigned",
            "already-decided",
            "call-application-not-found",
            "conflict-of-interest",
            "not-the-call-owner",
            "reviewer-not-on-panel",
        ),
    ),
    ("POST", "/revitalization/v1/call-applications/{application_id}/scores"): Operation(
        "revitalization_score_call_application",
        problems=(
            "already-decided",
            "already-scored",
            "call-application-not-found",
            "reviewer-not-assigned",
            "score-not-in-rubric",
        ),
    ),
    ("GET", "/revitalization/v1/call-applications/{application_id}/scores"): Operation(
        "revitalization_list_call_application_scores",
        problems=("call-application-not-found",),
    ),
    ("POST", "/revitalization/v1/call-applications/{application_id}/decisions"): Operation(
        "revitalization_decide_call_application",
        problems=(
            "already-decided",
            "amount-above-request",
            "amount-required",
            "call-application-not-found",
            "call-budget-exceeded",
            "call-not-closed",
            "if-match-required",
            "not-the-call-owner",
            "scores-incomplete",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/hometown-registrations"): Operation(
        "revitalization_register_hometown",
        problems=(
            "duplicate-registration",
            "hometown-cap-reached",
            "identity-not-verified",
            "registry-unavailable",
        ),
        headers={201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/hometown-registrations"): Operation(
        "revitalization_list_hometown_registrations",
    ),
    ("GET", "/revitalization/v1/hometown-registrations/{registration_id}"): Operation(
        "revitalization_get_hometown_registration",
        problems=("registration-not-found",),
    ),
    ("POST", "/revitalization/v1/hometown-registrations/{registration_id}/reviews"): Operation(
        "revitalization_review_hometown_registration",
        problems=(
            "if-match-required",
            "not-reviewable",
            "reason-required",
            "registration-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/hometown-registrations/{registration_id}/withdrawals"): Operation(
        "revitalization_withdraw_hometown_registration",
        problems=(
            "if-match-required",
            "not-withdrawable",
            "registration-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/hometown-counts"): Operation(
        "revitalization_list_hometown_counts",
    ),
    ("GET", "/revitalization/v1/open-data/grants"): Operation(
        "revitalization_list_grants",
        headers={200: ("Content-Language",)},
    ),
    ("GET", "/revitalization/v1/open-data/grants.json"): Operation(
        "revitalization_export_grants_json",
        headers={200: ("Content-Language",)},
    ),
    ("GET", "/revitalization/v1/open-data/grants.csv"): Operation(
        "revitalization_export_grants_csv",
        headers={
            200: (
                "Content-Disposition",
                "Content-Language",
            )
        },
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/milestones"): Operation(
        "revitalization_report_milestone",
        problems=(
            "application-not-found",
            "before-award",
            "date-in-future",
            "not-awarded",
        ),
        headers={201: ("ETag",)},
    ),
    (
        "POST",
        "/revitalization/v1/applications/{application_id}/milestones/{milestone_id}/achievements",
    ): Operation(
        "revitalization_achieve_milestone",
        problems=(
            "application-not-found",
            "before-award",
            "date-in-future",
            "if-match-required",
            "milestone-already-achieved",
            "milestone-changed",
            "milestone-not-found",
            "not-awarded",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/applications/{application_id}/outcomes"): Operation(
        "revitalization_report_outcome",
        problems=(
            "application-not-found",
            "before-award",
            "date-in-future",
            "not-awarded",
        ),
    ),
    ("GET", "/revitalization/v1/open-data/outcomes"): Operation(
        "revitalization_list_public_outcomes",
    ),
    ("GET", "/revitalization/v1/open-data/milestones"): Operation(
        "revitalization_list_public_milestones",
    ),
    ("POST", "/revitalization/v1/cooperation-frameworks"): Operation(
        "revitalization_create_cooperation_framework",
        problems=(
            "framework-composition",
            "member-not-allowed",
        ),
        headers={201: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/cooperation-frameworks"): Operation(
        "revitalization_list_cooperation_frameworks",
    ),
    ("GET", "/revitalization/v1/cooperation-frameworks/{framework_id}"): Operation(
        "revitalization_get_cooperation_framework",
        problems=("framework-not-found",),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/cooperation-frameworks/{framework_id}/members"): Operation(
        "revitalization_join_cooperation_framework",
        problems=(
            "framework-changed",
            "framework-composition",
            "framework-not-found",
            "if-match-required",
            "member-not-allowed",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/cooperation-frameworks/{framework_id}/departures"): Operation(
        "revitalization_leave_cooperation_framework",
        problems=(
            "framework-changed",
            "framework-not-found",
            "if-match-required",
            "member-not-allowed",
            "member-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/revitalization/v1/cooperation-frameworks/{framework_id}/succession-checks"): Operation(
        "revitalization_follow_cooperation_framework_successions",
        problems=(
            "framework-not-found",
            "registry-unavailable",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/revitalization/v1/cooperation-frameworks/{framework_id}/allocation-tax-items"): Operation(
        "revitalization_list_cooperation_framework_allocation_tax_items",
        problems=("framework-not-found",),
        headers={200: ("Content-Language",)},
    ),
}

EXAMPLES = load_examples(Path(__file__).with_name("examples.json"))
