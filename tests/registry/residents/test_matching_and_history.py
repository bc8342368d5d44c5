"""Matching keys, scoring and residence periods (no database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.registry.residents import keys, matching
from services.registry.residents.history import residence_periods
from shared.contracts.registry import FourItemQuery


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        (("髙橋", "一郎"), "高橋 一郎"),
        (("山﨑", "花子"), "山崎　花子"),
        (("渡邉", "健"), "渡辺健"),
        (("齋藤", "実"), "斉藤 實"),
        (("ＳＭＩＴＨ", "JOHN"), "smith john"),
    ],
)
def test_variant_names_share_a_key(stored: tuple[str, str], query: str) -> None:
    assert keys.name_key(*stored) == keys.query_name_key(query)


@pytest.mark.parametrize(
    ("stored", "query"),
    [
        (("ヤマダ", "タロウ"), "やまだ たろう"),
        (("ヤマダ", "タロウ"), "ﾔﾏﾀﾞ ﾀﾛｳ"),
        (("キヨシ", "ジョン"), "キヨシ・ジョン"),
        (("シャルル", "X"), "シヤルル X"),
    ],
)
def test_kana_folding(stored: tuple[str, str], query: str) -> None:
    assert keys.kana_key(*stored) == keys.query_kana_key(query)


def test_address_key_ignores_width_spaces_and_dashes() -> None:
    assert keys.address_key(keys.join_address(["千代田１－１", "ハイツ 101"])) == keys.address_key(
        "千代田1‐1ハイツ101"
    )


def row(**overrides: Any) -> dict[str, Any]:
    base = {
        "resident_code": "12345678903", "family_name": "髙橋", "given_name": "一郎", "name_key": "高橋一郎",
        "kana_key": "タカハシイチロウ", "date_of_birth": date(1980, 1, 1), "sex": "male",
        "local_government_code": "131016", "address_key": keys.address_key("千代田1-1"), "protected": False,
    }  # fmt: skip
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("query", "expected_score", "matched"),
    [
        ({"name": "髙橋一郎"}, 100, {"name", "date_of_birth"}),
        ({"name": "高橋一郎"}, 92, {"name_variant", "date_of_birth"}),
        ({"name_kana": "タカハシ イチロウ"}, 100, {"name_kana", "date_of_birth"}),
        (
            {"name": "高橋一郎", "sex": "male", "local_government_code": "011002"},
            81,
            {"name_variant", "date_of_birth", "sex"},
        ),
        (
            {"name": "高橋一郎", "address_line": "千代田1-1"},
            93,
            {"name_variant", "date_of_birth", "address_lines"},
        ),
    ],
)
def test_score(query: dict[str, Any], expected_score: int, matched: set[str]) -> None:
    keys_ = matching.QueryKeys.of(FourItemQuery.model_validate({"date_of_birth": "1980-01-01", **query}))
    scored = matching.score(keys_, row(), address_visible=True)
    assert scored is not None
    assert (scored.score, set(scored.matched)) == (expected_score, matched)


@pytest.mark.parametrize(
    "query",
    [
        {"name": "高橋一郎", "date_of_birth": "1980-01-02"},
        {"name": "高橋二郎", "date_of_birth": "1980-01-01"},
        {"name": "高橋一郎", "date_of_birth": "1980-01-01", "sex": "female"},
    ],
)
def test_no_candidate(query: dict[str, Any]) -> None:
    keys_ = matching.QueryKeys.of(FourItemQuery.model_validate(query))
    assert matching.score(keys_, row(), address_visible=True) is None


def test_hidden_address_never_matches() -> None:
    keys_ = matching.QueryKeys.of(
        FourItemQuery.model_validate(
            {"name": "高橋一郎", "date_of_birth": "1980-01-01", "local_government_code": "131016"}
        )
    )
    scored = matching.score(keys_, row(), address_visible=False)
    assert scored is not None
    assert "local_government_code" not in scored.matched


def test_unique_best_refuses_ties() -> None:
    keys_ = matching.QueryKeys.of(
        FourItemQuery.model_validate({"name": "高橋一郎", "date_of_birth": "1980-01-01"})
    )
    ranked = matching.rank(
        keys_, [row(), row(resident_code="98765432109")], address_visible_for=lambda _: True
    )
    assert matching.unique_best(ranked) is None
    assert matching.unique_best(ranked[:1]) is ranked[0]
    assert matching.unique_best([]) is None


def s(
    start: str, end: str | None, code: str, address: str, status: str = "active", event: str = "move_in"
) -> dict[str, Any]:
    return {
        "valid_from": date.fromisoformat(start), "valid_to": date.fromisoformat(end) if end else None,
        "local_government_code": code, "address": address, "status": status, "event_type": event,
        "address_reason": event, "address_since": date.fromisoformat(start), "from_abroad": False,
    }  # fmt: skip


def test_periods_merge_states_at_one_address_and_end_with_the_next_event() -> None:
    periods = residence_periods(
        [
            s("1990-01-01", "2000-01-01", "131016", "a", event="birth"),
            s("2000-01-01", "2005-01-01", "131016", "a", event="name_change"),
            s("2005-01-01", "2006-01-01", "131016", "a", status="moved_out", event="move_out"),
            s("2006-01-01", "2010-01-01", "011011", "b"),
            s("2012-01-01", None, "011011", "c", event="move_in"),
        ]
    )
    assert [
        (p["local_government_code"], p["from_date"], p["to_date"], p["reason"], p["ended_by"])
        for p in periods
    ] == [
        ("131016", "1990-01-01", "2005-01-01", "birth", "move_out"),
        ("011011", "2006-01-01", "2012-01-01", "move_in", "move_in"),
        ("011011", "2012-01-01", None, "move_in", None),
    ]
