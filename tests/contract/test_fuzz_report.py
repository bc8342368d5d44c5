"""What `make fuzz` prints of a failed schemathesis run: the part a CI tail can show."""

from __future__ import annotations

from tests.contract.fuzz import failure_details, generated_cases

RUN_WITH_AN_ERROR = """\
 ✅  Coverage (in 15.18s)
================================== ERRORS ======================================
_____________________ GET /registry/v1/residents/{code} _______________________
Runtime Error

ValueError: something inside the generator

Need more help?
    Join our Discord server: https://discord.gg/example

=================================== SUMMARY ====================================
Errors:
  🚫 Runtime Error: 1
============================== 1 error in 18.67s ===============================
"""


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def test_the_error_section_is_kept_without_summary_or_advice() -> None:
    details = failure_details(lines(RUN_WITH_AN_ERROR))

    assert details.startswith("=")
    assert "ERRORS" in details.splitlines()[0]
    assert details.rstrip().endswith("ValueError: something inside the generator")
    assert "Discord" not in details
    assert "SUMMARY" not in details


def test_failures_and_errors_are_both_kept() -> None:
    failures = "=== FAILURES ===\n___ GET /x ___\nServer error\n"
    details = failure_details(lines(failures + RUN_WITH_AN_ERROR))

    assert details.startswith("=== FAILURES ===")
    assert "Server error" in details
    assert "ValueError" in details


def test_without_detail_sections_the_summary_is_shown() -> None:
    summary = RUN_WITH_AN_ERROR[RUN_WITH_AN_ERROR.index("=" * 35 + " SUMMARY") :]

    assert failure_details(lines("noise\n" + summary)) == summary
    assert failure_details(lines("no sections at all\n")) == "no sections at all\n"


def test_the_count_of_generated_cases_is_read_from_the_summary() -> None:
    assert generated_cases("Test cases:\n  2817 generated, 2817 passed\n") == 2817
    assert generated_cases("no summary\n") == 0
