"""The funds service's operations as generated clients know them: see `Operation` in
shared/web/openapi.py; tests/contract/test_documents.py pins the ids."""

from __future__ import annotations

from pathlib import Path

from shared.web.openapi import Operation, Operations, load_examples

OPERATIONS: Operations = {
    ("GET", "/funds/v1/caller"): Operation(
        "funds_get_caller",
    ),
    ("POST", "/funds/v1/organizations"): Operation(
        "funds_register_organization",
        problems=(
            "filer-taken",
            "invalid-organization",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/funds/v1/organizations"): Operation(
        "funds_list_organizations",
    ),
    ("GET", "/funds/v1/organizations/{organization_id}"): Operation(
        "funds_get_organization",
        problems=("not-found",),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/funds/v1/organizations/{organization_id}"): Operation(
        "funds_replace_organization",
        problems=(
            "filer-taken",
            "if-match-required",
            "invalid-organization",
            "not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/funds/v1/organizations/{organization_id}/reports"): Operation(
        "funds_file_report",
        problems=(
            "inconsistent-report",
            "not-found",
            "report-exists",
            "year-outside-registration",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("POST", "/funds/v1/organizations/{organization_id}/reports/{year}/amendments"): Operation(
        "funds_amend_report",
        problems=(
            "if-match-required",
            "inconsistent-report",
            "not-found",
            "year-outside-registration",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/funds/v1/organizations/{organization_id}/reports/{year}"): Operation(
        "funds_get_report",
        problems=("not-found",),
        headers={200: ("ETag",)},
    ),
    ("GET", "/funds/v1/organizations/{organization_id}/reports/{year}/versions"): Operation(
        "funds_list_report_versions",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/organizations/{organization_id}/reports/{year}/versions/{version}"): Operation(
        "funds_get_report_version",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/findings"): Operation(
        "funds_list_findings",
    ),
    ("GET", "/funds/v1/disclosed-lines"): Operation(
        "funds_search_disclosed_lines",
        problems=(
            "invalid-donor-name",
            "invalid-range",
        ),
    ),
    ("GET", "/funds/v1/disclosed-lines/breakdown"): Operation(
        "funds_break_down_disclosed_lines",
        problems=(
            "invalid-donor-name",
            "invalid-range",
        ),
    ),
    ("GET", "/funds/v1/disclosed-lines/export"): Operation(
        "funds_export_disclosed_lines",
        problems=(
            "invalid-donor-name",
            "invalid-range",
        ),
        headers={200: ("Content-Disposition",)},
    ),
    ("GET", "/funds/v1/aggregates/donors"): Operation(
        "funds_list_donor_aggregates",
    ),
    ("GET", "/funds/v1/aggregates/organizations"): Operation(
        "funds_list_organization_aggregates",
    ),
    ("GET", "/funds/v1/aggregates/categories"): Operation(
        "funds_list_category_aggregates",
    ),
    ("GET", "/funds/v1/aggregates/prefectures"): Operation(
        "funds_list_prefecture_aggregates",
    ),
    ("POST", "/funds/v1/party-subsidies/calculations"): Operation(
        "funds_calculate_party_subsidies",
        problems=(
            "bad-gateway",
            "election-without-contest",
            "elections-import-unavailable",
            "invalid-subsidy-inputs",
            "unknown-election",
        ),
    ),
    ("POST", "/funds/v1/party-subsidies/allocations"): Operation(
        "funds_record_party_subsidy_allocation",
        problems=(
            "allocation-exists",
            "bad-gateway",
            "election-without-contest",
            "invalid-subsidy-inputs",
            "unknown-election",
        ),
        headers={201: ("Location",)},
    ),
    ("GET", "/funds/v1/party-subsidies/allocations/{year}"): Operation(
        "funds_get_party_subsidy_allocation",
        problems=("not-found",),
    ),
    ("POST", "/funds/v1/campaign-reports"): Operation(
        "funds_file_campaign_report",
        problems=(
            "bad-gateway",
            "campaign-cap-unknown",
            "campaign-report-exists",
            "campaign-report-not-required",
            "elections-import-unavailable",
            "unknown-candidacy",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("POST", "/funds/v1/campaign-reports/{report_id}/amendments"): Operation(
        "funds_amend_campaign_report",
        problems=(
            "bad-gateway",
            "campaign-cap-unknown",
            "campaign-report-not-required",
            "elections-import-unavailable",
            "if-match-required",
            "not-found",
            "unknown-candidacy",
        ),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/funds/v1/campaign-reports"): Operation(
        "funds_list_campaign_reports",
    ),
    ("GET", "/funds/v1/campaign-reports/{report_id}"): Operation(
        "funds_get_campaign_report",
        problems=("not-found",),
        headers={200: ("ETag",)},
    ),
    ("GET", "/funds/v1/campaign-reports/{report_id}/versions"): Operation(
        "funds_list_campaign_report_versions",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/campaign-reports/{report_id}/versions/{version}"): Operation(
        "funds_get_campaign_report_version",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/filings"): Operation(
        "funds_list_filings",
    ),
    ("GET", "/funds/v1/organizations/{organization_id}/deadlines"): Operation(
        "funds_list_deadlines",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/organizations/{organization_id}/deadlines.ics"): Operation(
        "funds_get_deadline_calendar",
        problems=("not-found",),
    ),
    ("GET", "/funds/v1/non-filers"): Operation(
        "funds_list_non_filers",
    ),
    ("POST", "/funds/v1/politicians"): Operation(
        "funds_register_politician",
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/funds/v1/politicians"): Operation(
        "funds_list_politicians",
    ),
    ("GET", "/funds/v1/politicians/{politician_id}"): Operation(
        "funds_get_politician",
        problems=("not-found",),
        headers={200: ("ETag",)},
    ),
    ("GET", "/funds/v1/politicians/{politician_id}/totals"): Operation(
        "funds_get_politician_totals",
        problems=("not-found",),
    ),
}

EXAMPLES = load_examples(Path(__file__).with_name("examples.json"))
