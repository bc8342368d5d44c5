"""Corporate donors identified by their corporate number (法人番号): one company's donations under
different spellings add up, in the aggregates and against its cap."""

from __future__ import annotations

from typing import Any

from tests.funds.conftest import Funds, donation, report
from tests.shared.web.test_problems import assert_problem

NUMBER = "4011001098993"


def company(amount: int, name: str, address: str, **extra: Any) -> dict[str, Any]:
    return donation(
        amount,
        name=name,
        address=address,
        category="donation_corporate",
        kind="company",
        capital_yen=10_000_000,
        **extra,
    )


async def test_spellings_add_up_under_one_corporate_number(api: Funds) -> None:
    party = await api.organization("party-a")
    lines = [
        company(5_000_000, "山田建設株式会社", "東京都千代田区霞が関2-1-2", corporate_number=NUMBER),
        company(
            3_000_000,
            "(株)山田建設",
            "千代田区霞が関二丁目1番2号 本社",
            corporate_number="４０１１００１０９８９９３",
        ),
        # Without the number the two spellings stay two donors.
        company(1_000_000, "山田建設株式会社", "東京都千代田区霞が関2-1-2"),
        company(1_000_000, "(株)山田建設", "千代田区霞が関二丁目1番2号 本社"),
    ]
    filed = await api.file(party, report(lines))
    assert filed.status_code == 201, filed.text
    assert [line["corporate_number"] for line in filed.json()["lines"]] == [NUMBER, NUMBER, None, None]
    donors = (await api.client.get("/funds/v1/aggregates/donors", params={"year": 2025})).json()["items"]
    assert sorted(d["total"] for d in donors) == [1_000_000, 1_000_000, 8_000_000]
    # Capital under ¥1bn: the cap is ¥7.5M; ¥5M + ¥3M under the one number is over it.
    found = await api.findings()
    assert [(f["kind"], f["amount"], f["limit"]) for f in found] == [
        ("body_cap_exceeded", 8_000_000, 7_500_000)
    ]


async def test_a_person_has_no_corporate_number(api: Funds) -> None:
    party = await api.organization("party-a")
    response = await api.file(party, report([donation(60_000, corporate_number=NUMBER)]))
    problem = assert_problem(response, 422, "inconsistent-report")
    assert [error["pointer"] for error in problem["errors"]] == ["/lines/0/corporate_number"]  # type: ignore[attr-defined]


async def test_a_wrong_check_digit_is_refused(api: Funds) -> None:
    party = await api.organization("party-a")
    line = company(100_000, "山田建設株式会社", "東京都千代田区霞が関2-1-2", corporate_number="5011001098993")
    response = await api.file(party, report([line]))
    problem = assert_problem(response, 422, "validation-failed")
    assert problem["errors"][0]["pointer"] == "/lines/0/corporate_number"  # type: ignore[index]
    assert (await api.client.get(f"/funds/v1/organizations/{party['id']}/reports/2025")).status_code == 404
