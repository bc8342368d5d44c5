"""Donation limits and bans, each at, just under and just over its boundary."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.funds.findings.limits import Donation, evaluate_year
from services.funds.rulebook import RULES, rules_on, with_company_steps_above_10bn
from shared.contracts.funds import DonorKind, FindingKind, OrganizationKind
from tests.funds.conftest import Funds, donation, report

PARTY = OrganizationKind.political_party
BRANCH = OrganizationKind.party_branch
FUND_BODY = OrganizationKind.fund_raising_body
OTHER = OrganizationKind.other_political_organization
FMO = OrganizationKind.fund_management_organization


def gift(amount: int, recipient: int = 1, kind: OrganizationKind = PARTY, **extra: Any) -> Donation:
    values: dict[str, Any] = {
        "line_ref": f"{recipient}/2025/v1#{amount}",
        "report_id": recipient,
        "organization_id": recipient,
        "recipient_kind": kind,
        "donor_key": "ヤマダタロウ|131016|霞が関2-1-2",
        "donor_name": "山田 太郎",
        "donor_kind": DonorKind.individual,
        "amount": amount,
        "transaction_date": date(2025, 5, 1),
        **extra,
    }
    return Donation(**values)


def kinds(donations: list[Donation]) -> list[FindingKind]:
    return [finding.kind for finding in evaluate_year(donations, year=2025)]


@pytest.mark.parametrize(
    ("donations", "expected"),
    [
        # individual to parties and their fund-raising bodies: ¥20,000,000 in total
        ([gift(19_999_999)], []),
        ([gift(20_000_000)], []),
        ([gift(20_000_001)], [FindingKind.individual_party_total_exceeded]),
        ([gift(10_000_000, 1), gift(10_000_000, 2, FUND_BODY)], []),
        ([gift(10_000_000, 1), gift(10_000_001, 2, BRANCH)], [FindingKind.individual_party_total_exceeded]),
        # individual to any one other recipient: ¥1,500,000
        ([gift(1_499_999, 5, OTHER)], []),
        ([gift(1_500_000, 5, OTHER)], []),
        ([gift(1_500_001, 5, OTHER)], [FindingKind.individual_per_recipient_exceeded]),
        ([gift(750_000, 5, FMO), gift(750_001, 5, FMO)], [FindingKind.individual_per_recipient_exceeded]),
        # individual to all others: ¥10,000,000 in total
        ([gift(1_250_000, r, OTHER) for r in range(10, 18)], []),
        ([gift(1_000_000, r, OTHER) for r in range(10, 20)], []),
        (
            [*(gift(1_000_000, r, OTHER) for r in range(10, 20)), gift(1, 30, OTHER)],
            [FindingKind.individual_other_total_exceeded],
        ),
        # both sides are counted apart
        ([gift(20_000_000), gift(1_500_000, 5, OTHER)], []),
    ],
)
def test_individual_limits(donations: list[Donation], expected: list[FindingKind]) -> None:
    assert kinds(donations) == expected


def company(amount: int, capital: int, kind: OrganizationKind = PARTY, **extra: Any) -> Donation:
    return gift(
        amount, kind=kind, donor_kind=DonorKind.company, capital_yen=capital, donor_key="株式会社甲", **extra
    )


BILLION = 1_000_000_000


@pytest.mark.parametrize(
    ("capital", "amount", "over"),
    [
        (BILLION - 1, 7_500_000, False),
        (BILLION - 1, 7_500_001, True),
        (BILLION, 15_000_000, False),
        (BILLION, 15_000_001, True),
        (5 * BILLION - 1, 15_000_001, True),
        (5 * BILLION, 30_000_000, False),
        (5 * BILLION, 30_000_001, True),
        (100 * BILLION, 30_000_001, True),
    ],
)
def test_company_cap_by_capital(capital: int, amount: int, over: bool) -> None:
    assert kinds([company(amount, capital)]) == ([FindingKind.body_cap_exceeded] if over else [])


@pytest.mark.parametrize(
    ("donor_kind", "size_field", "size", "amount", "over"),
    [
        (DonorKind.union, "union_members", 49_999, 7_500_001, True),
        (DonorKind.union, "union_members", 50_000, 15_000_000, False),
        (DonorKind.union, "union_members", 100_000, 30_000_001, True),
        (DonorKind.other_body, "annual_expenses_yen", 19_999_999, 7_500_000, False),
        (DonorKind.other_body, "annual_expenses_yen", 60_000_000, 30_000_000, False),
        (DonorKind.other_body, "annual_expenses_yen", 60_000_000, 30_000_001, True),
    ],
)
def test_union_and_body_caps(
    donor_kind: DonorKind, size_field: str, size: int, amount: int, over: bool
) -> None:
    size_fields: dict[str, Any] = {size_field: size}
    donation = gift(amount, 1, PARTY, donor_kind=donor_kind, donor_key="body", **size_fields)
    assert kinds([donation]) == ([FindingKind.body_cap_exceeded] if over else [])


def test_configured_steps_above_10bn_apply() -> None:
    table = with_company_steps_above_10bn(RULES, [(10 * BILLION, 50_000_000), (100 * BILLION, 100_000_000)])

    def on(day: date) -> Any:
        return rules_on(day, table=table)

    def found(capital: int, amount: int) -> list[FindingKind]:
        return [f.kind for f in evaluate_year([company(amount, capital)], year=2025, rules=on)]

    assert found(10 * BILLION, 50_000_000) == []
    assert found(10 * BILLION, 50_000_001) == [FindingKind.body_cap_exceeded]
    assert found(100 * BILLION, 100_000_000) == []
    assert found(9 * BILLION, 30_000_001) == [FindingKind.body_cap_exceeded]


@pytest.mark.parametrize("recipient", [PARTY, BRANCH, FUND_BODY])
def test_bodies_may_give_to_the_party_side(recipient: OrganizationKind) -> None:
    assert kinds([company(1_000, BILLION, recipient)]) == []


@pytest.mark.parametrize("recipient", [OTHER, FMO, OrganizationKind.diet_member_related])
def test_bodies_may_not_give_to_others(recipient: OrganizationKind) -> None:
    assert kinds([company(1_000, BILLION, recipient)]) == [FindingKind.body_to_non_party]


def anonymous(amount: int, kind: OrganizationKind = PARTY, meeting: bool = True) -> Donation:
    return gift(
        amount,
        kind=kind,
        donor_kind=DonorKind.anonymous,
        donor_name=None,
        donor_key="anon",
        at_public_meeting=meeting,
    )


@pytest.mark.parametrize(
    ("donation", "banned"),
    [
        (anonymous(999), False),
        (anonymous(1_000), False),
        (anonymous(1_001), True),
        (anonymous(1_000, meeting=False), True),
        (anonymous(1_000, kind=BRANCH), False),
        (anonymous(1_000, kind=FUND_BODY), True),
        (anonymous(1_000, kind=OTHER), True),
    ],
)
def test_anonymous_exception(donation: Donation, banned: bool) -> None:
    assert kinds([donation]) == ([FindingKind.anonymous_donation] if banned else [])


@pytest.mark.parametrize(
    ("donor_kind", "listed_years", "banned"),
    [
        (DonorKind.individual, None, True),
        (DonorKind.company, None, True),
        (DonorKind.company, 4, True),
        (DonorKind.company, 5, False),
        (DonorKind.company, 6, False),
    ],
)
def test_foreign_donors(donor_kind: DonorKind, listed_years: int | None, banned: bool) -> None:
    donation = gift(1_000, donor_kind=donor_kind, foreign=True, listed_years=listed_years, capital_yen=1)
    assert kinds([donation]) == ([FindingKind.foreign_donor] if banned else [])


def test_state_subsidised_company() -> None:
    assert kinds([company(1_000, BILLION, receives_state_subsidy=True)]) == [
        FindingKind.state_subsidised_company
    ]


def test_findings_name_their_lines_and_cap() -> None:
    (finding,) = evaluate_year([gift(1_000_000, 5, OTHER), gift(500_001, 5, OTHER)], year=2025)
    assert finding.amount == 1_500_001
    assert finding.limit == 1_500_000
    assert finding.organization_id == 5
    assert finding.line_refs == ("5/2025/v1#1000000", "5/2025/v1#500001")


@pytest.mark.parametrize(
    ("amount", "recipient", "expected"),
    [
        (100_000_000, PARTY, []),
        (100_000_000, FUND_BODY, []),
        (50_000_000, OTHER, []),
        (50_000_001, OTHER, [FindingKind.organization_per_recipient_exceeded]),
        (50_000_001, FMO, [FindingKind.organization_per_recipient_exceeded]),
    ],
)
def test_political_organizations_cap_is_per_recipient_other_than_the_party_side(
    amount: int, recipient: OrganizationKind, expected: list[FindingKind]
) -> None:
    given = gift(amount, kind=recipient, donor_kind=DonorKind.political_organization)
    assert kinds([given]) == expected


async def test_organizations_give_another_organization_at_most_50m_a_year(api: Funds) -> None:
    """Art. 22 par. 2: between political organizations other than parties and fund-raising bodies."""
    other = await api.organization("other-a", kind="other_political_organization")
    party = await api.organization("party-a")
    gift = {
        "category": "donation_political_organization",
        "kind": "political_organization",
        "name": "甲政治研究会",
    }
    assert (await api.file(other, report([donation(50_000_001, **gift)]))).status_code == 201
    assert (await api.file(party, report([donation(60_000_000, **gift)]))).status_code == 201
    found = await api.findings(kind="organization_per_recipient_exceeded")
    assert [(f["organization_id"], f["amount"], f["limit"]) for f in found] == [
        (other["id"], 50_000_001, 50_000_000)
    ]


async def test_organizations_at_the_cap_between_organizations_give_no_finding(api: Funds) -> None:
    other = await api.organization("other-a", kind="other_political_organization")
    gift = {
        "category": "donation_political_organization",
        "kind": "political_organization",
        "name": "甲政治研究会",
    }
    assert (await api.file(other, report([donation(50_000_000, **gift)]))).status_code == 201
    assert await api.findings() == []


async def test_a_candidates_own_money_to_their_fund_management_organization_is_not_capped(api: Funds) -> None:
    """Art. 22 par. 3: the per-recipient cap does not hold a candidate's gift to their own
    fund-management organization; another person's gift of the same amount is over it."""
    own = await api.organization("fmo-a", kind="fund_management_organization", diet_member_name="候補 一郎")
    lines = [donation(2_000_000, name="候補　一郎"), donation(2_000_000, name="山田 太郎")]
    assert (await api.file(own, report(lines))).status_code == 201
    found = await api.findings()
    assert [(f["kind"], f["donor_name"]) for f in found] == [
        ("individual_per_recipient_exceeded", "山田 太郎")
    ]
