"""Ordinary costs are totals only for ordinary organizations; who is Diet-member-related (art. 19-7)."""

from __future__ import annotations

from typing import Any

from tests.funds.conftest import Funds, report


def cost(amount: int, category: str) -> dict[str, Any]:
    return {"category": category, "amount": amount, "transaction_date": "2025-04-01", "name": "大家 不動産"}


async def published_amounts(api: Funds, organization: dict[str, Any]) -> list[int]:
    response = await api.client.get(f"/funds/v1/organizations/{organization['id']}/reports/2025")
    assert response.status_code == 200, response.text
    return [line["amount"] for line in response.json()["lines"]]


async def test_an_ordinary_organizations_office_payment_is_a_total_only(api: Funds) -> None:
    """Art. 12 par. 1 item 2: ordinary costs (経常経費) are not itemized; political-activity costs
    of ¥50,000 or more are."""
    other = await api.organization("other-a", kind="other_political_organization")
    lines = [cost(50_000, "office"), cost(60_000, "utilities"), cost(50_000, "organizational")]
    response = await api.file(other, report(lines))
    assert response.status_code == 201, response.text
    assert await published_amounts(api, other) == [50_000]


async def test_an_ordinary_organization_need_not_name_an_office_payee(api: Funds) -> None:
    other = await api.organization("other-a", kind="other_political_organization")
    unnamed = {"category": "office", "amount": 80_000, "transaction_date": "2025-04-01"}
    assert (await api.file(other, report([unnamed]))).status_code == 201


async def test_a_mayors_fund_management_organization_is_ordinary(api: Funds) -> None:
    """Art. 19-7: only a Diet member's or Diet candidate's organization is Diet-member-related."""
    mayor = await api.organization("mayor-a", kind="fund_management_organization")
    member = await api.organization(
        "member-a", kind="fund_management_organization", diet_member_name="議員 一郎"
    )
    for organization in (mayor, member):
        response = await api.file(organization, report([cost(20_000, "office"), cost(20_000, "election")]))
        assert response.status_code == 201, response.text
    mayor_report = (await api.client.get(f"/funds/v1/organizations/{mayor['id']}/reports/2025")).json()
    member_report = (await api.client.get(f"/funds/v1/organizations/{member['id']}/reports/2025")).json()
    assert mayor_report["due_date"] == "2026-03-31"
    assert member_report["due_date"] == "2026-05-31"
    assert [line["amount"] for line in mayor_report["lines"]] == []
    assert [line["amount"] for line in member_report["lines"]] == [20_000, 20_000]
