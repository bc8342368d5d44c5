"""Diet-member-related organizations (stricter itemization, later due date); every report's due date."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.funds.reports.arithmetic import check_report
from services.funds.reports.identity import query_grams
from services.funds.reports.publication import (
    due_date,
    expenditure_itemised,
    filed_late,
    is_diet_member_related,
    published_lines,
)
from services.funds.rulebook import RULES, report_due_date, rules_on
from shared.contracts.funds import LineCategory, OrganizationKind, ReportIn, ReportLineIn
from tests.funds.conftest import Funds, donation, report


def spending(
    amount: int, category: str = "organizational", day: str = "2025-04-01", name: str | None = "大家 不動産"
) -> dict[str, Any]:
    line: dict[str, Any] = {"category": category, "amount": amount, "transaction_date": day}
    if name is not None:
        line["name"] = name
    return line


@pytest.mark.parametrize(
    ("kind", "member", "related"),
    [
        (OrganizationKind.diet_member_related, "議員 一郎", True),
        (OrganizationKind.fund_management_organization, "議員 一郎", True),
        # A mayor's, governor's or local assembly member's names no Diet member or candidate.
        (OrganizationKind.fund_management_organization, None, False),
        (OrganizationKind.political_party, None, False),
        (OrganizationKind.party_branch, None, False),
        (OrganizationKind.fund_raising_body, None, False),
        (OrganizationKind.other_political_organization, None, False),
    ],
)
def test_which_organizations_are_diet_member_related(
    kind: OrganizationKind, member: str | None, related: bool
) -> None:
    assert is_diet_member_related(kind.value, member) is related


@pytest.mark.parametrize(
    ("category", "amount", "day", "related", "itemised"),
    [
        (LineCategory.office, 10_000, date(2025, 4, 1), True, False),
        (LineCategory.office, 10_001, date(2025, 4, 1), True, True),
        (LineCategory.organizational, 10_001, date(2025, 4, 1), True, True),
        (LineCategory.office, 10_001, date(2025, 4, 1), False, False),
        (LineCategory.office, 49_999, date(2025, 4, 1), False, False),
        # An ordinary organization reports ordinary costs as totals only.
        (LineCategory.office, 50_000, date(2025, 4, 1), False, False),
        (LineCategory.organizational, 49_999, date(2025, 4, 1), False, False),
        (LineCategory.organizational, 50_000, date(2025, 4, 1), False, True),
        # Personnel costs are exempt from the stricter rule, and are ordinary costs.
        (LineCategory.personnel, 10_001, date(2025, 4, 1), True, False),
        (LineCategory.personnel, 50_000, date(2025, 4, 1), True, False),
        # Before 2009 the stricter rule did not exist.
        (LineCategory.office, 10_001, date(2008, 12, 31), True, False),
        (LineCategory.office, 10_001, date(2009, 1, 1), True, True),
    ],
)
def test_stricter_itemisation_at_its_boundaries(
    category: LineCategory, amount: int, day: date, related: bool, itemised: bool
) -> None:
    assert (
        expenditure_itemised(category, amount, rules=rules_on(day), diet_member_related=related) is itemised
    )


def test_published_flags_follow_the_organization() -> None:
    lines = [ReportLineIn.model_validate(spending(a)) for a in (10_000, 10_001, 50_000)]
    keys = [None, None, None]
    assert published_lines(lines, keys, year=2025, diet_member_related=True) == [False, True, True]
    assert published_lines(lines, keys, year=2025) == [False, False, True]


def test_an_itemized_expenditure_needs_its_payee() -> None:
    lines = [spending(10_001, name=None), spending(10_000, name=None), spending(50_000, name=None)]
    body = ReportIn.model_validate(report(lines))
    related = check_report(body, body.lines, year=2025, previous_balance=None, diet_member_related=True)
    assert [(p.pointer, p.type) for p in related] == [
        ("/lines/0/name", "payee_missing"),
        ("/lines/2/name", "payee_missing"),
    ]
    other = check_report(body, body.lines, year=2025, previous_balance=None)
    assert [(p.pointer, p.type) for p in other] == [("/lines/2/name", "payee_missing")]


@pytest.mark.parametrize(
    ("year", "related", "due"),
    [
        (2025, False, date(2026, 3, 31)),
        (2025, True, date(2026, 5, 31)),
        (2027, False, date(2028, 3, 31)),
        (2027, True, date(2028, 5, 31)),
    ],
)
def test_due_dates_are_rule_data(year: int, related: bool, due: date) -> None:
    assert due_date(year, diet_member_related=related) == due
    assert all(rules.report_due == (3, 31) and rules.diet_member_report_due == (5, 31) for rules in RULES)
    assert report_due_date(year, diet_member_related=related, rules=rules_on(date(year, 12, 31))) == due


@pytest.mark.parametrize(
    ("filed_at", "late"),
    [
        (datetime(2026, 3, 31, 14, 59, 59, tzinfo=UTC), False),  # 23:59:59 on 31 March in Japan
        (datetime(2026, 3, 31, 15, 0, tzinfo=UTC), True),  # 00:00 on 1 April in Japan
        (datetime(2026, 2, 1, tzinfo=UTC), False),
    ],
)
def test_late_is_by_the_calendar_of_japan(filed_at: datetime, late: bool) -> None:
    assert filed_late(filed_at, date(2026, 3, 31)) is late


@pytest.mark.parametrize(
    ("key", "grams"),
    [
        ("田", ["田"]),
        ("田中", ["田中"]),
        ("長谷川", ["長谷川"]),
        ("藤井大翔", ["藤井大", "井大翔"]),
        ("アアアアア", ["アアア"]),
    ],
)
def test_query_grams(key: str, grams: list[str]) -> None:
    assert query_grams(key) == grams


async def test_reports_show_their_due_date_and_lateness(api: Funds) -> None:
    party = await api.organization("party-a")
    member = await api.organization("member-a", kind="diet_member_related", diet_member_name="議員 一郎")
    lines = [donation(60_000), spending(20_000)]
    for organization in (party, member):
        assert (await api.file(organization, report(lines, year=2025))).status_code == 201
    # The tests run after the 2025 reports' due dates (2026-03-31 and 2026-05-31).
    party_report = (await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025")).json()
    member_report = (await api.client.get(f"/funds/v1/organizations/{member['id']}/reports/2025")).json()
    assert (party_report["due_date"], party_report["filed_late"]) == ("2026-03-31", True)
    assert (member_report["due_date"], member_report["filed_late"]) == ("2026-05-31", True)
    # The ¥20,000 office cost is itemized for the Diet-member-related organization only.
    assert [line["amount"] for line in party_report["lines"]] == [60_000]
    assert [line["amount"] for line in member_report["lines"]] == [60_000, 20_000]
    versions = (await api.client.get(f"/funds/v1/organizations/{member['id']}/reports/2025/versions")).json()
    assert [(v["due_date"], v["filed_late"]) for v in versions] == [("2026-05-31", True)]


async def test_a_diet_member_related_filing_without_payees_is_refused(api: Funds) -> None:
    member = await api.organization("member-a", kind="diet_member_related", diet_member_name="議員 一郎")
    response = await api.file(member, report([spending(10_001, name=None)]))
    assert response.status_code == 422
    assert response.json()["failing_lines"] == [0]
    assert (await api.client.get(f"/funds/v1/organizations/{member['id']}/reports/2025")).status_code == 404
