"""Report arithmetic and structure: each problem names the exact lines."""

from __future__ import annotations

from typing import Any

import pytest

from services.funds.reports.arithmetic import check_report
from shared.contracts.funds import ReportIn
from tests.funds.conftest import donation, report


def problems(body: dict[str, Any], previous: int | None = None) -> list[tuple[str, str, tuple[int, ...]]]:
    parsed = ReportIn.model_validate(body)
    return [
        (p.pointer, p.type, p.lines)
        for p in check_report(parsed, parsed.lines, year=2025, previous_balance=previous)
    ]


EXPENSE = {"category": "office", "amount": 60_000, "transaction_date": "2025-02-01", "name": "大家"}


def test_consistent_report_has_no_problem() -> None:
    assert (
        problems(report([donation(100_000), donation(20_000, name="佐藤"), EXPENSE], carried_forward=5)) == []
    )


def test_category_total_mismatch_lists_its_lines() -> None:
    body = report([donation(100_000), EXPENSE, donation(20_000, name="佐藤")])
    body["category_totals"]["donation_individual"] = 120_001
    assert problems(body) == [("/category_totals/donation_individual", "category_total_mismatch", (0, 2))]


def test_missing_category_total() -> None:
    body = report([donation(100_000), EXPENSE])
    del body["category_totals"]["office"]
    assert problems(body) == [("/category_totals/office", "category_total_missing", (1,))]


def test_declared_category_without_lines() -> None:
    body = report([donation(100_000)])
    body["category_totals"]["loan"] = 0
    assert problems(body) == []
    body["category_totals"]["loan"] = 5
    assert problems(body)[0][:2] == ("/category_totals/loan", "category_total_mismatch")


@pytest.mark.parametrize(
    ("field", "delta", "pointer", "code"),
    [
        ("income_total", 1, "/income_total", "income_total_mismatch"),
        ("expenditure_total", -1, "/expenditure_total", "expenditure_total_mismatch"),
        ("balance", 1, "/balance", "balance_mismatch"),
        ("balance", -1, "/balance", "balance_mismatch"),
    ],
)
def test_totals_and_balance(field: str, delta: int, pointer: str, code: str) -> None:
    body = report([donation(100_000), EXPENSE], carried_forward=1_000)
    body[field] += delta
    found = problems(body)
    assert (pointer, code, ()) in found


@pytest.mark.parametrize(("previous", "ok"), [(1_000, True), (999, False), (1_001, False), (None, True)])
def test_carried_forward_must_match_last_year(previous: int | None, ok: bool) -> None:
    found = problems(report([donation(100_000)], carried_forward=1_000), previous=previous)
    assert (found == []) is ok
    if not ok:
        assert found == [("/carried_forward", "carried_forward_mismatch", ())]


@pytest.mark.parametrize(
    ("line", "pointer", "code"),
    [
        (donation(1, day="2024-12-31"), "/lines/0/transaction_date", "date_outside_year"),
        (donation(1, day="2026-01-01"), "/lines/0/transaction_date", "date_outside_year"),
        ({**donation(1), "transaction_date": None}, "/lines/0/transaction_date", "date_missing"),
        (donation(0), "/lines/0/amount", "line_amount_zero"),
        (donation(1, kind="company"), "/lines/0/donor_kind", "donor_kind_mismatch"),
        (
            donation(1, category="donation_corporate", kind="company"),
            "/lines/0/capital_yen",
            "donor_size_missing",
        ),
        (
            donation(1, category="donation_corporate", kind="union"),
            "/lines/0/union_members",
            "donor_size_missing",
        ),
        ({**donation(1), "name": None}, "/lines/0/name", "name_missing"),
        ({**donation(1), "address": None, "municipality_code": None}, "/lines/0/address", "address_missing"),
        ({**donation(1), "municipality_code": None}, "/lines/0/municipality_code", "municipality_missing"),
        ({**donation(1), "donor_kind": None}, "/lines/0/donor_kind", "donor_kind_missing"),
        ({**donation(1), "donor_kind": "anonymous"}, "/lines/0/name", "anonymous_named"),
        (donation(1, category="fundraising_party"), "/lines/0/event_name", "event_missing"),
        (
            {"category": "membership_fee", "amount": 5_000},
            "/lines/0/payer_count",
            "payer_count_missing",
        ),
        ({**EXPENSE, "donor_kind": "individual"}, "/lines/0/donor_kind", "donor_kind_unexpected"),
    ],
)
def test_line_structure(line: dict[str, Any], pointer: str, code: str) -> None:
    found = problems(report([line]))
    assert (pointer, code, (0,)) in found


def test_failing_lines_are_exact_among_many() -> None:
    lines = [donation(1_000, name=f"寄附者{i}") for i in range(50)]
    lines[17] = donation(1_000, name="寄附者17", day="2024-01-01")
    lines[42] = donation(1_000, name="寄附者42", kind="company")
    found = problems(report(lines))
    assert [(pointer, lines_) for pointer, _, lines_ in found] == [
        ("/lines/17/transaction_date", (17,)),
        ("/lines/42/donor_kind", (42,)),
    ]
