"""Findings recomputed from the lines that may give one equal those of the old full recompute.

A generated year of filings and amendments straddles every cap and ban; after each, the findings a
filing replaces (its own lines', its donors' totals') are evaluated twice: from the lines the
set-based query selects, and from every current donation of the report's donors (the old
recompute). They must be the same, in the same order; and the stored findings of the year must be
those of a full evaluation of all its donations.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from sqlalchemy import and_, select, union_all
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from services.funds.findings import repository
from services.funds.findings.limits import FindingDraft, evaluate_year, lowest_caps
from services.funds.findings.service import _donation, refreshed_by
from services.funds.rulebook import rules_on
from services.funds.tables import findings, organizations, report_lines, reports
from shared.contracts.funds import DONATION_CATEGORIES
from tests.funds.conftest import Funds, amendment, donation, report

YEAR = 2025
_ROW_COLUMNS = (
    *(report_lines.c[name] for name in repository.DonationRow._fields[:-2]),
    organizations.c.kind,
    organizations.c.diet_member_name,
)


def _current_donations() -> Any:
    return (
        select(*_ROW_COLUMNS)
        .join(organizations, organizations.c.id == report_lines.c.organization_id)
        .where(
            report_lines.c.year == YEAR,
            report_lines.c.is_current.is_(True),
            report_lines.c.category.in_([c.value for c in DONATION_CATEGORIES]),
        )
    )


async def _every_donation_of_the_reports_donors(session: AsyncSession, organization_id: int) -> list[Any]:
    """What the old recompute read: the report's anonymous lines and every line of its donors."""
    donors = select(report_lines.c.donor_key).where(
        report_lines.c.organization_id == organization_id,
        report_lines.c.year == YEAR,
        report_lines.c.donor_key.is_not(None),
    )
    statement = union_all(
        _current_donations().where(
            and_(report_lines.c.organization_id == organization_id, report_lines.c.donor_key.is_(None))
        ),
        _current_donations().where(report_lines.c.donor_key.in_(donors)),
    )
    rows = [repository.DonationRow._make(row) for row in await session.execute(statement)]
    return sorted(rows, key=lambda row: row.id)


async def _both_readings(engine: AsyncEngine, organization_id: int) -> tuple[int, list[Any], list[Any]]:
    """The report's id, every donation of its donors (the old reading), and those the findings now read."""
    async with AsyncSession(engine) as session:
        of_the_organization = and_(reports.c.organization_id == organization_id, reports.c.year == YEAR)
        report_id = (await session.execute(select(reports.c.id).where(of_the_organization))).scalar_one()
        every = await _every_donation_of_the_reports_donors(session, organization_id)
        caps = lowest_caps(rules_on(date(YEAR, 1, 1)))
        selected = await repository.donations(
            session, year=YEAR, organization_id=organization_id, report_id=report_id, caps=caps
        )
    return report_id, every, selected


def _evaluate(rows: list[Any]) -> list[FindingDraft]:
    return evaluate_year([_donation(row) for row in rows], year=YEAR)


def _replaced(report_id: int, rows: list[Any]) -> list[FindingDraft]:
    """The findings a filing of the report replaces, evaluated from `rows`."""
    return refreshed_by(report_id, _evaluate(rows))


def _stored_form(draft: FindingDraft) -> tuple[Any, ...]:
    return (
        draft.kind.value,
        draft.donor_key,
        draft.donor_name,
        draft.donor_kind.value if draft.donor_kind else None,
        draft.organization_id,
        draft.report_id,
        draft.amount,
        draft.limit,
        list(draft.line_refs),
        draft.detail,
    )


def _generated_lines(rng: random.Random, donors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    lines = []
    for _ in range(rng.randint(25, 45)):
        donor = rng.choice(donors)
        day = date(YEAR, rng.randint(1, 12), rng.randint(1, 28)).isoformat()
        if donor.get("kind") == "anonymous":
            amount = rng.choice((500, 1_000, 1_001, 30_000))
            lines.append(
                {
                    "category": "donation_individual",
                    "amount": amount,
                    "transaction_date": day,
                    "donor_kind": "anonymous",
                    "at_public_meeting": rng.random() < 0.5,
                }
            )
            continue
        amount = rng.choice(donor["amounts"])
        extra = {key: value for key, value in donor.items() if key not in ("amounts",)}
        if rng.random() < 0.05:
            extra["foreign"] = True
            extra["listed_years"] = rng.choice((None, 3, 5))
        if donor.get("kind") == "company" and rng.random() < 0.2:
            extra["receives_state_subsidy"] = True
        lines.append(donation(amount, day=day, **extra))
    return lines


def _donors() -> list[dict[str, Any]]:
    people = [
        {"name": name, "amounts": (100_000, 500_000, 750_000, 1_500_000, 2_500_000, 5_000_000)}
        for name in ("山田 太郎", "佐藤 花子", "鈴木 一郎", "候補 一郎", "高橋 次郎")
    ]
    companies = [
        {
            "name": f"株式会社{suffix}",
            "category": "donation_corporate",
            "kind": "company",
            "capital_yen": capital,
            "amounts": (500_000, 2_000_000, 4_000_000, 7_500_000),
        }
        for suffix, capital in (("甲", 100_000_000), ("乙", 2_000_000_000), ("丙", 6_000_000_000))
    ]
    bodies: list[dict[str, Any]] = [
        # One filer takes a company for a person: its lines are judged by the kind of the first.
        {"name": "株式会社甲", "amounts": (500_000, 7_500_000)},
        {
            "name": "全国労働組合",
            "category": "donation_corporate",
            "kind": "union",
            "union_members": 60_000,
            "amounts": (1_000_000, 5_000_000),
        },
        {
            "name": "経済研究協会",
            "category": "donation_corporate",
            "kind": "other_body",
            "annual_expenses_yen": 30_000_000,
            "amounts": (1_000_000, 5_000_000),
        },
        {
            "name": "甲政治研究会",
            "category": "donation_political_organization",
            "kind": "political_organization",
            "amounts": (10_000_000, 25_000_000, 50_000_000),
        },
    ]
    return [*people, *companies, *bodies, {"kind": "anonymous"}]


async def test_findings_from_the_selected_lines_equal_the_full_recompute(api: Funds, funds_db: str) -> None:
    rng = random.Random(15)
    party = await api.organization("party-a")
    recipients = [
        party,
        await api.organization("branch-a", kind="party_branch", party_id=party["id"]),
        await api.organization("body-a", kind="fund_raising_body", party_id=party["id"]),
        await api.organization("fmo-a", kind="fund_management_organization", diet_member_name="候補 一郎"),
        await api.organization("fmo-b", kind="fund_management_organization"),
        await api.organization("other-a", kind="other_political_organization"),
        await api.organization("other-b", kind="other_political_organization"),
    ]
    donors = _donors()
    engine = create_async_engine(funds_db)
    compared = left_out = 0
    try:
        filings = [(organization, False) for organization in recipients]
        filings += [(rng.choice(recipients), True) for _ in range(3)]
        for organization, amend in filings:
            lines = _generated_lines(rng, donors)
            if amend:
                current = await api.client.get(f"/funds/v1/organizations/{organization['id']}/reports/{YEAR}")
                response = await api.amend(organization, YEAR, amendment(lines), current.headers["ETag"])
                assert response.status_code == 201, response.text
            else:
                response = await api.file(organization, report(lines, year=YEAR))
                assert response.status_code == 201, response.text
            report_id, every, selected = await _both_readings(engine, organization["id"])
            assert _replaced(report_id, selected) == _replaced(report_id, every)
            compared += len(every)
            left_out += len(every) - len(selected)
        async with AsyncSession(engine) as session:
            every = [repository.DonationRow._make(row) for row in await session.execute(_current_donations())]
            expected = sorted(map(_stored_form, _evaluate(sorted(every, key=lambda r: r.id))), key=repr)
            stored = await session.execute(
                select(
                    findings.c.kind,
                    findings.c.donor_key,
                    findings.c.donor_name,
                    findings.c.donor_kind,
                    findings.c.organization_id,
                    findings.c.report_id,
                    findings.c.amount,
                    findings.c.limit_amount,
                    findings.c.line_refs,
                    findings.c.detail,
                ).where(findings.c.year == YEAR)
            )
            assert sorted((tuple(row) for row in stored), key=repr) == expected
            assert (await session.execute(select(reports.c.id))).all()
    finally:
        await engine.dispose()
    # The generated year breaches caps and bans of every kind.
    assert compared > left_out > 0
    assert {kind for kind, *_ in expected} >= {
        "individual_per_recipient_exceeded",
        "body_to_non_party",
        "body_cap_exceeded",
        "anonymous_donation",
        "organization_per_recipient_exceeded",
    }


async def test_a_donor_is_judged_by_the_kind_of_its_first_line(api: Funds, funds_db: str) -> None:
    """Filed first as a person over the per-recipient cap, then as a company to a party: the
    person's lines give the finding, so they are read though the company's total is small."""
    other = await api.organization("other-a", kind="other_political_organization")
    party = await api.organization("party-a")
    assert (await api.file(other, report([donation(2_000_000, name="株式会社甲")]))).status_code == 201
    as_company = donation(
        100_000, name="株式会社甲", category="donation_corporate", kind="company", capital_yen=100_000_000
    )
    assert (await api.file(party, report([as_company]))).status_code == 201
    engine = create_async_engine(funds_db)
    try:
        report_id, every, selected = await _both_readings(engine, party["id"])
    finally:
        await engine.dispose()
    found = _replaced(report_id, selected)
    assert found == _replaced(report_id, every)
    assert [(f.kind.value, f.amount) for f in found] == [("individual_per_recipient_exceeded", 2_000_000)]


async def test_line_rules_are_read_for_donors_within_their_caps(api: Funds, funds_db: str) -> None:
    party = await api.organization("party-a")
    lines = [
        donation(
            100_000,
            name="株式会社乙",
            category="donation_corporate",
            kind="company",
            capital_yen=100_000_000,
            receives_state_subsidy=True,
        ),
        donation(10_000, name="外国 太郎", foreign=True),
        donation(10_000, name="山田 太郎"),
    ]
    assert (await api.file(party, report(lines))).status_code == 201
    engine = create_async_engine(funds_db)
    try:
        report_id, every, selected = await _both_readings(engine, party["id"])
    finally:
        await engine.dispose()
    found = _replaced(report_id, selected)
    assert found == _replaced(report_id, every)
    assert [f.kind.value for f in found] == ["state_subsidised_company", "foreign_donor"]
    assert len(selected) == 2


async def test_a_filing_leaves_the_line_findings_of_other_reports_alone(api: Funds, funds_db: str) -> None:
    """A company's gift to a non-party organization is a finding of that report's line; the company's
    later gift to a party, in another report, replaces the company's totals, not that finding."""
    other = await api.organization("other-a", kind="other_political_organization")
    party = await api.organization("party-a")
    company: dict[str, Any] = {
        "name": "株式会社甲",
        "category": "donation_corporate",
        "kind": "company",
        "capital_yen": 100_000_000,
    }
    assert (await api.file(other, report([donation(500_000, **company)]))).status_code == 201
    engine = create_async_engine(funds_db)
    try:
        async with AsyncSession(engine) as session:
            before = (await session.execute(select(findings.c.id, findings.c.kind))).all()
        assert [kind for _id, kind in before] == ["body_to_non_party"]
        # Over the company's cap to parties (¥7,500,000 for this capital): a finding of its totals.
        assert (await api.file(party, report([donation(7_600_000, **company)]))).status_code == 201
        async with AsyncSession(engine) as session:
            ordered = select(findings.c.id, findings.c.kind).order_by(findings.c.id)
            after = (await session.execute(ordered)).all()
    finally:
        await engine.dispose()
    assert after[0] == before[0]
    assert [kind for _id, kind in after] == ["body_to_non_party", "body_cap_exceeded"]
