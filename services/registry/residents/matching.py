"""Four-item matching (pure): which stored records a query may mean, and how well they match.

Candidates share the date of birth and the folded name (kanji key or kana key); the other
items rank them. A protected resident's address is never used unless the caller may see it,
so a match cannot reveal where they live.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.registry.residents.keys import address_key, looks_like_kana, query_kana_key, query_name_key
from shared.contracts.registry import FourItemQuery, MatchedItem
from shared.values import normalize_name

WEIGHTS: Mapping[MatchedItem, int] = {
    MatchedItem.NAME: 40,
    MatchedItem.NAME_VARIANT: 35,
    MatchedItem.NAME_KANA: 30,
    MatchedItem.DATE_OF_BIRTH: 20,
    MatchedItem.SEX: 10,
    MatchedItem.LOCAL_GOVERNMENT_CODE: 10,
    MatchedItem.ADDRESS_LINES: 10,
}


@dataclass(frozen=True, slots=True)
class QueryKeys:
    date_of_birth: Any
    name_key: str | None
    kana_key: str | None
    exact_name: str | None
    query: FourItemQuery

    @classmethod
    def of(cls, query: FourItemQuery) -> QueryKeys:
        name_key = query_name_key(query.name) if query.name else None
        kana_source = query.name_kana or (query.name if query.name and looks_like_kana(query.name) else None)
        return cls(
            date_of_birth=query.date_of_birth,
            name_key=name_key or None,
            kana_key=(query_kana_key(kana_source) or None) if kana_source else None,
            exact_name=normalize_name(query.name).replace(" ", "") if query.name else None,
            query=query,
        )


@dataclass(frozen=True, slots=True)
class Scored:
    row: Any
    score: int
    matched: list[MatchedItem]


def _possible(query: FourItemQuery) -> int:
    total = WEIGHTS[MatchedItem.DATE_OF_BIRTH]
    if query.name:
        total += WEIGHTS[MatchedItem.NAME]
    if query.name_kana:
        total += WEIGHTS[MatchedItem.NAME_KANA]
    if query.sex is not None:
        total += WEIGHTS[MatchedItem.SEX]
    if query.local_government_code is not None:
        total += WEIGHTS[MatchedItem.LOCAL_GOVERNMENT_CODE]
    if query.address_line is not None:
        total += WEIGHTS[MatchedItem.ADDRESS_LINES]
    return total


def score(keys: QueryKeys, row: Mapping[Any, Any], *, address_visible: bool) -> Scored | None:
    """How well a stored record matches; None when it is no candidate at all."""
    if row["date_of_birth"] != keys.date_of_birth:
        return None
    matched = [MatchedItem.DATE_OF_BIRTH]
    query = keys.query
    if keys.name_key is not None and row["name_key"] == keys.name_key:
        exact = (row["family_name"] + row["given_name"]).replace(" ", "") == keys.exact_name
        matched.append(MatchedItem.NAME if exact else MatchedItem.NAME_VARIANT)
    if keys.kana_key is not None and row["kana_key"] == keys.kana_key:
        matched.append(MatchedItem.NAME_KANA)
    if len(matched) == 1:
        return None
    if query.sex is not None:
        if row["sex"] != query.sex.value:
            return None
        matched.append(MatchedItem.SEX)
    if address_visible and row["local_government_code"] == query.local_government_code:
        matched.append(MatchedItem.LOCAL_GOVERNMENT_CODE)
    if (
        address_visible
        and query.address_line is not None
        and row["address_key"] == address_key(query.address_line)
    ):
        matched.append(MatchedItem.ADDRESS_LINES)
    points = sum(WEIGHTS[item] for item in matched)
    return Scored(row=row, score=min(100, round(100 * points / _possible(query))), matched=matched)


def rank(keys: QueryKeys, rows: Sequence[Mapping[Any, Any]], *, address_visible_for: Any) -> list[Scored]:
    """Candidates best first (ties by resident code, for a stable answer)."""
    scored = [
        result
        for row in rows
        if (result := score(keys, row, address_visible=address_visible_for(row))) is not None
    ]
    scored.sort(key=lambda item: (-item.score, item.row["resident_code"]))
    return scored


def unique_best(ranked: Sequence[Scored]) -> Scored | None:
    """The one best candidate, or None when there is none or the best is tied."""
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[1].score == ranked[0].score:
        return None
    return ranked[0]
