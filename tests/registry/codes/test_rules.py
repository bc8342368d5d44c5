"""Code-master rules (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.registry.codes import rules
from shared.contracts.registry import CodeChangeRequest
from shared.web.problems import Problem


def code(
    kind: str = "municipality", from_date: date | None = None, to_date: date | None = None
) -> dict[str, Any]:
    return {"kind": kind, "from_date": from_date, "to_date": to_date}


@pytest.mark.parametrize(
    ("row", "on", "expected"),
    [
        (code(), date(1900, 1, 1), True),
        (code(from_date=date(2024, 1, 1)), date(2023, 12, 31), False),
        (code(from_date=date(2024, 1, 1)), date(2024, 1, 1), True),
        (code(to_date=date(2024, 1, 1)), date(2023, 12, 31), True),
        (code(to_date=date(2024, 1, 1)), date(2024, 1, 1), False),
    ],
)
def test_in_force(row: dict[str, Any], on: date, expected: bool) -> None:
    assert rules.in_force(row, on) is expected


def test_prefecture_code() -> None:
    assert rules.prefecture_code("131016") == "130001"
    assert rules.prefecture_code("011002") == "010006"


EXISTING = {
    "221317": code(),
    "221376": code(),
    "220001": code("prefecture"),
    "131016": code(to_date=date(2000, 1, 1)),
}


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        (
            {
                "kind": "absorption",
                "retired_codes": ["221317"],
                "successions": [{"code": "221317", "successor_code": "221376"}],
            },
            None,
        ),
        ({"kind": "absorption", "retired_codes": ["221317"]}, "successor-required"),
        ({"kind": "other", "retired_codes": ["221317"]}, None),
        ({"kind": "other", "retired_codes": ["131016"]}, "code-not-in-force"),
        ({"kind": "other", "retired_codes": ["220001"]}, "prefecture-code"),
        (
            {
                "kind": "other",
                "new_codes": [{"code": "221376", "name": "x", "name_kana": "エ", "kind": "municipality"}],
            },
            "code-already-issued",
        ),
        (
            {
                "kind": "other",
                "new_codes": [{"code": "131024", "name": "x", "name_kana": "エ", "kind": "municipality"}],
            },
            "unknown-prefecture",
        ),
        (
            {
                "kind": "merger",
                "retired_codes": ["221317"],
                "successions": [{"code": "221376", "successor_code": "221317"}],
            },
            "invalid-succession",
        ),
        ({"kind": "merger", "retired_codes": ["221317", "221317"], "successions": []}, "duplicate-code"),
    ],
)
def test_check_change(change: dict[str, Any], slug: str | None) -> None:
    request = CodeChangeRequest.model_validate(
        {"effective_date": "2024-01-01", "description": "test", **change}
    )
    if slug is None:
        rules.check_change(request, EXISTING)
        return
    with pytest.raises(Problem) as raised:
        rules.check_change(request, EXISTING)
    assert raised.value.problem_slug == slug
