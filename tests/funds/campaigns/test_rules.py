"""Findings of a campaign report and what of it is published. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.funds.campaigns.rules import due_date, findings, published_flags
from services.funds.rulebook import rules_on
from shared.contracts.campaign_finance import (
    CampaignDonationIn,
    CampaignExpenditureIn,
    CampaignFindingKind,
    CampaignOffice,
    SpendingCap,
)

POLLING = date(2026, 10, 25)
ON_TIME = datetime(2026, 11, 9, 14, 59, tzinfo=UTC)  # 23:59 JST on the 15th day
LATE = datetime(2026, 11, 9, 15, 0, tzinfo=UTC)  # 00:00 JST the day after
CAP = SpendingCap(
    office=CampaignOffice.city_mayor,
    registered_voters=108_100,
    seats=1,
    per_voter_yen=81,
    fixed_yen=3_100_000,
    amount=11_856_100,
    effective_from=date(2014, 12, 14),
    article="公職選挙法 第194条, 公職選挙法施行令 第127条",
    verified=True,
)


def donation(amount: int, kind: str = "individual", **extra: Any) -> CampaignDonationIn:
    fields: dict[str, Any] = {
        "name": "山田 太郎",
        "address": "延岡市東本小路2-1",
        "municipality_code": "452033",
    }
    if kind == "anonymous":
        fields = {}
    return CampaignDonationIn.model_validate(
        {"donor_kind": kind, "amount": amount, "transaction_date": "2026-10-10", **fields, **extra}
    )


def spent(amount: int, counts: bool = True) -> CampaignExpenditureIn:
    return CampaignExpenditureIn(
        payee="印刷 株式会社",
        purpose="ポスター印刷",
        amount=amount,
        transaction_date=date(2026, 10, 20),
        counts_toward_cap=counts,
    )


def kinds(**kwargs: Any) -> list[CampaignFindingKind]:
    kwargs.setdefault("first_filed_at", ON_TIME)
    return [
        f.kind
        for f in findings(
            kwargs.pop("donations", []),
            kwargs.pop("expenditures", []),
            cap=CAP,
            polling_day=POLLING,
            **kwargs,
        )
    ]


def test_due_fifteen_days_after_polling_day() -> None:
    assert due_date(POLLING) == date(2026, 11, 9)


def test_late_filing_by_japan_calendar() -> None:
    assert kinds() == []
    assert kinds(first_filed_at=LATE) == [CampaignFindingKind.late_filing]


def test_spending_at_the_cap_is_allowed_and_a_yen_over_is_not() -> None:
    assert kinds(expenditures=[spent(11_856_100)]) == []
    found = findings(
        [], [spent(11_856_000), spent(101)], cap=CAP, polling_day=POLLING, first_filed_at=ON_TIME
    )
    assert [f.kind for f in found] == [CampaignFindingKind.spending_cap_exceeded]
    assert (found[0].amount, found[0].limit, found[0].lines) == (
        11_856_101,
        11_856_100,
        ["/expenditures/0", "/expenditures/1"],
    )


def test_excluded_expenditures_do_not_count() -> None:
    assert kinds(expenditures=[spent(11_856_100), spent(5_000_000, counts=False)]) == []


@pytest.mark.parametrize("kind", ["company", "union", "other_body"])
def test_bodies_may_not_give_to_a_candidate(kind: str) -> None:
    assert kinds(donations=[donation(10_000, kind)]) == [CampaignFindingKind.body_donation_to_candidate]


def test_anonymous_and_foreign_donations() -> None:
    assert kinds(donations=[donation(1_000, "anonymous")]) == [CampaignFindingKind.anonymous_donation]
    assert kinds(donations=[donation(1_000, foreign=True)]) == [CampaignFindingKind.foreign_donor]
    assert kinds(donations=[donation(1_000), donation(5_000, "political_organization")]) == []


def test_publication_follows_the_annual_report_thresholds() -> None:
    # A donor's ¥30,000 + ¥30,000 exceeds ¥50,000: both lines itemized; ¥50,000 alone is not;
    # expenditures from ¥50,000; anonymous never.
    donations = [
        donation(30_000),
        donation(30_000),
        donation(50_000, name="佐藤 花子", address="延岡市本町1-1"),
        donation(1_000, "anonymous"),
    ]
    donated, expended = published_flags(donations, [spent(49_999), spent(50_000)], year=2026, rules=rules_on)
    assert donated == [True, True, False, False]
    assert expended == [False, True]


def test_anonymous_lines_name_nobody() -> None:
    with pytest.raises(ValueError, match="names no donor"):
        donation(1_000, "anonymous", name="誰か")
    with pytest.raises(ValueError, match="names its donor"):
        CampaignDonationIn.model_validate(
            {"donor_kind": "individual", "amount": 1, "transaction_date": "2026-10-10"}
        )
