"""The elections service's operations as generated clients know them: see `Operation` in
shared/web/openapi.py; tests/contract/test_documents.py pins the ids."""

from __future__ import annotations

from pathlib import Path

from shared.web.openapi import Operation, Operations, load_examples

OPERATIONS: Operations = {
    ("GET", "/elections/v1/caller"): Operation(
        "elections_get_caller",
    ),
    ("POST", "/elections/v1/elections"): Operation(
        "elections_create_election",
        problems=("audit-log-busy",),
        headers={
            201: (
                "ETag",
                "Location",
            )
        },
    ),
    ("GET", "/elections/v1/elections"): Operation(
        "elections_list_elections",
    ),
    ("GET", "/elections/v1/elections/{election_id}"): Operation(
        "elections_get_election",
        problems=(
            "election-not-found",
            "not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/elections/v1/elections/{election_id}"): Operation(
        "elections_replace_election",
        problems=(
            "audit-log-busy",
            "election-not-found",
            "if-match-required",
            "not-found",
            "voting-started",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/elections/v1/elections/{election_id}/contests"): Operation(
        "elections_create_contest",
        problems=(
            "audit-log-busy",
            "duplicate-contest",
            "election-not-found",
            "not-found",
        ),
        headers={201: ("Location",)},
    ),
    ("GET", "/elections/v1/elections/{election_id}/contests"): Operation(
        "elections_list_contests",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}"): Operation(
        "elections_get_contest",
        problems=(
            "contest-not-found",
            "not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/elections/v1/contests/{contest_id}"): Operation(
        "elections_replace_contest",
        problems=(
            "audit-log-busy",
            "contest-has-candidates",
            "contest-not-found",
            "duplicate-contest",
            "if-match-required",
            "not-found",
            "tallies-entered",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/elections/v1/elections/{election_id}/counting-districts"): Operation(
        "elections_create_counting_district",
        problems=(
            "audit-log-busy",
            "duplicate-counting-district",
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/counting-districts"): Operation(
        "elections_list_counting_districts",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/elections/{election_id}/polling-stations"): Operation(
        "elections_create_polling_station",
        problems=(
            "invalid-polling-hours",
            "address-area-taken",
            "audit-log-busy",
            "duplicate-address-area",
            "duplicate-polling-station",
            "election-not-found",
            "not-found",
            "polling-station-not-found",
            "unknown-counting-district",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/polling-stations"): Operation(
        "elections_list_polling_stations",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/polling-stations/{station_id}"): Operation(
        "elections_get_polling_station",
        problems=(
            "not-found",
            "polling-station-not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/elections/v1/polling-stations/{station_id}"): Operation(
        "elections_replace_polling_station",
        problems=(
            "invalid-polling-hours",
            "address-area-taken",
            "audit-log-busy",
            "duplicate-address-area",
            "duplicate-polling-station",
            "if-match-required",
            "not-found",
            "polling-station-not-found",
            "station-municipality-fixed",
            "unknown-counting-district",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/elections/v1/elections/{election_id}/parties"): Operation(
        "elections_create_party",
        problems=(
            "audit-log-busy",
            "duplicate-party",
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/parties"): Operation(
        "elections_list_parties",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/candidates"): Operation(
        "elections_create_candidate",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "duplicate-candidacy",
            "election-not-found",
            "invalid-candidacy",
            "not-found",
            "unknown-candidate",
            "unknown-party",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/candidates"): Operation(
        "elections_list_candidates",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/candidates/{candidate_id}"): Operation(
        "elections_get_candidate",
        problems=(
            "candidate-not-found",
            "not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("PUT", "/elections/v1/candidates/{candidate_id}"): Operation(
        "elections_replace_candidate",
        problems=(
            "audit-log-busy",
            "candidate-not-found",
            "contest-not-found",
            "duplicate-candidacy",
            "election-not-found",
            "if-match-required",
            "invalid-candidacy",
            "not-found",
            "result-certified",
            "unknown-candidate",
            "unknown-party",
        ),
        headers={200: ("ETag",)},
    ),
    ("POST", "/elections/v1/elections/{election_id}/roll/builds"): Operation(
        "elections_build_roll",
        problems=(
            "election-not-found",
            "no-municipalities",
            "not-a-periodic-registration-date",
            "not-found",
            "registration-after-reference-date",
            "registration-date-not-allowed",
            "registration-date-required",
            "roll-build-in-progress",
        ),
        headers={
            202: (
                "Location",
                "Retry-After",
            )
        },
    ),
    ("GET", "/elections/v1/elections/{election_id}/roll/builds/{build_id}"): Operation(
        "elections_get_roll_build",
        problems=(
            "election-not-found",
            "not-found",
            "roll-build-not-found",
        ),
    ),
    ("POST", "/elections/v1/elections/{election_id}/roll/syncs"): Operation(
        "elections_sync_roll",
        problems=(
            "audit-log-busy",
            "election-not-found",
            "not-found",
            "roll-build-in-progress",
            "roll-not-built",
            "roll-sync-conflict",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/roll/residents/{resident_code}"): Operation(
        "elections_explain_roll_decision",
        problems=(
            "access-log-unavailable",
            "election-not-found",
            "not-found",
            "resident-not-examined",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/roll/voters"): Operation(
        "elections_list_voters",
        problems=(
            "access-log-unavailable",
            "election-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/elections/{election_id}/check-ins"): Operation(
        "elections_check_in_voter",
        problems=(
            "absentee-station",
            "already-voted",
            "audit-log-busy",
            "election-not-found",
            "not-found",
            "not-on-roll",
            "station-required",
            "unknown-station",
            "voting-closed",
            "voting-rights-suspended",
            "wrong-station",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/check-ins"): Operation(
        "elections_list_check_ins",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/check-ins/{check_in_id}"): Operation(
        "elections_get_check_in",
        problems=("check-in-not-found",),
    ),
    ("POST", "/elections/v1/elections/{election_id}/check-ins/{check_in_id}/undo"): Operation(
        "elections_undo_check_in",
        problems=(
            "already-undone",
            "audit-log-busy",
            "check-in-not-found",
        ),
    ),
    ("POST", "/elections/v1/suspensions"): Operation(
        "elections_record_suspension",
        problems=("audit-log-busy",),
        headers={201: ("Location",)},
    ),
    ("GET", "/elections/v1/suspensions"): Operation(
        "elections_list_suspensions",
        problems=("access-log-unavailable",),
    ),
    ("GET", "/elections/v1/suspensions/{suspension_id}"): Operation(
        "elections_get_suspension",
        problems=(
            "access-log-unavailable",
            "suspension-not-found",
        ),
    ),
    ("POST", "/elections/v1/suspensions/{suspension_id}/lift"): Operation(
        "elections_lift_suspension",
        problems=(
            "audit-log-busy",
            "lift-before-suspension",
            "suspension-already-ended",
            "suspension-already-lifted",
            "suspension-not-found",
        ),
    ),
    ("POST", "/elections/v1/elections/{election_id}/absentee-ballots"): Operation(
        "elections_request_absentee_ballot",
        problems=(
            "absentee-ballot-exists",
            "already-voted",
            "audit-log-busy",
            "election-not-found",
            "not-on-roll",
            "voting-closed",
            "voting-rights-suspended",
        ),
        headers={201: ("Location",)},
    ),
    ("GET", "/elections/v1/elections/{election_id}/absentee-ballots/{ballot_id}"): Operation(
        "elections_get_absentee_ballot",
        problems=("absentee-ballot-not-found",),
    ),
    ("POST", "/elections/v1/elections/{election_id}/absentee-ballots/{ballot_id}/steps"): Operation(
        "elections_record_absentee_step",
        problems=(
            "absentee-ballot-not-found",
            "absentee-step-date",
            "absentee-step-out-of-order",
            "audit-log-busy",
            "voting-closed",
        ),
    ),
    ("POST", "/elections/v1/overseas-applications"): Operation(
        "elections_apply_overseas",
        problems=(
            "audit-log-busy",
            "overseas-roll-busy",
            "registry-invalid-answer",
            "registry-timeout",
            "registry-unavailable",
            "resident-not-found",
        ),
        headers={201: ("Location",)},
    ),
    ("POST", "/elections/v1/overseas-applications/{application_id}/decisions"): Operation(
        "elections_redecide_overseas_application",
        problems=(
            "application-decided",
            "audit-log-busy",
            "overseas-application-not-found",
            "overseas-roll-busy",
            "registry-invalid-answer",
            "registry-timeout",
            "registry-unavailable",
            "resident-not-found",
        ),
    ),
    ("GET", "/elections/v1/overseas-applications/{application_id}"): Operation(
        "elections_get_overseas_application",
        problems=(
            "access-log-unavailable",
            "overseas-application-not-found",
        ),
    ),
    ("GET", "/elections/v1/overseas-roll/entries"): Operation(
        "elections_list_overseas_entries",
        problems=("access-log-unavailable",),
    ),
    ("GET", "/elections/v1/overseas-roll/entries/{entry_id}"): Operation(
        "elections_get_overseas_entry",
        problems=(
            "access-log-unavailable",
            "overseas-entry-not-found",
        ),
    ),
    ("POST", "/elections/v1/overseas-roll/entries/{entry_id}/reviews"): Operation(
        "elections_review_overseas_entry",
        problems=(
            "audit-log-busy",
            "overseas-entry-not-found",
            "overseas-entry-removed",
            "registry-invalid-answer",
            "registry-timeout",
            "registry-unavailable",
            "resident-not-found",
        ),
    ),
    ("POST", "/elections/v1/elections/{election_id}/overseas-votes"): Operation(
        "elections_record_overseas_vote",
        problems=(
            "already-voted",
            "audit-log-busy",
            "election-not-found",
            "not-a-national-election",
            "not-found",
            "not-on-overseas-roll",
            "voting-closed",
            "voting-rights-suspended",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/tally-entries"): Operation(
        "elections_enter_tally",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "invalid-tally",
            "not-found",
            "result-certified",
            "sheet-counted",
            "tally-sheet-not-found",
            "tally-unit-conflict",
            "unknown-counting-district",
            "unknown-station",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/tally-sheets"): Operation(
        "elections_list_tally_sheets",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/tally-sheets/{sheet_id}"): Operation(
        "elections_get_tally_sheet",
        problems=("tally-sheet-not-found",),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/results"): Operation(
        "elections_get_contest_result",
        problems=(
            "contest-not-found",
            "not-found",
        ),
        headers={200: ("ETag",)},
    ),
    ("GET", "/elections/v1/elections/{election_id}/results"): Operation(
        "elections_get_election_results",
        problems=(
            "contest-not-found",
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/results/nist"): Operation(
        "elections_export_results_nist",
        problems=(
            "contest-not-found",
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/results/csv"): Operation(
        "elections_export_results_csv",
        problems=(
            "contest-not-found",
            "election-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/lots"): Operation(
        "elections_record_lot",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "lot-already-recorded",
            "no-such-tie",
            "not-found",
            "result-certified",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/lots"): Operation(
        "elections_list_lots",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/certification"): Operation(
        "elections_certify_result",
        problems=(
            "already-certified",
            "result-version-conflict",
            "audit-log-busy",
            "contest-not-found",
            "lot-required",
            "not-found",
            "result-incomplete",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/objections"): Operation(
        "elections_file_objection",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "invalid-objection",
            "not-found",
            "result-not-certified",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/objections"): Operation(
        "elections_list_objections",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/objections/{objection_id}/decision"): Operation(
        "elections_decide_objection",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "invalid-objection",
            "not-found",
            "objection-decided",
            "objection-not-found",
            "recount-open",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/results/versions"): Operation(
        "elections_issue_result_version",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "lot-required",
            "no-recount-ordered",
            "not-found",
            "objection-not-found",
            "result-incomplete",
            "result-version-conflict",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/results/versions"): Operation(
        "elections_list_result_versions",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/results/versions/{version}"): Operation(
        "elections_get_result_version",
        problems=(
            "contest-not-found",
            "not-found",
            "result-version-not-found",
        ),
    ),
    ("POST", "/elections/v1/contests/{contest_id}/replacements"): Operation(
        "elections_record_replacement",
        problems=(
            "audit-log-busy",
            "contest-not-found",
            "election-not-found",
            "invalid-replacement",
            "lot-required",
            "not-a-seat-holder",
            "not-found",
            "replacement-recorded",
            "result-not-certified",
        ),
    ),
    ("GET", "/elections/v1/contests/{contest_id}/replacements"): Operation(
        "elections_list_replacements",
        problems=(
            "contest-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/public-information"): Operation(
        "elections_get_public_information",
        problems=(
            "election-not-found",
            "not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/turnout"): Operation(
        "elections_get_turnout",
        problems=(
            "contest-not-found",
            "election-not-found",
            "not-found",
            "one-scope",
            "station-not-found",
        ),
    ),
    ("GET", "/elections/v1/elections/{election_id}/turnout/hourly"): Operation(
        "elections_get_hourly_turnout",
        problems=(
            "contest-not-found",
            "election-not-found",
            "not-found",
            "one-scope",
            "station-not-found",
        ),
    ),
    ("GET", "/elections/v1/audit-log"): Operation(
        "elections_list_audit_records",
    ),
    ("GET", "/elections/v1/audit-log/verification"): Operation(
        "elections_verify_audit_log",
    ),
}

EXAMPLES = load_examples(Path(__file__).with_name("examples.json"))
