"""Household events (pure): who ends up in which household, under which head, with which 続柄.

世帯主変更 (head change), 世帯合併 (merger) and 世帯分離 (separation) each give a list of
assignments, one per member whose record changes; the service records each as a life event of
that member. Members are the household's active residents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.contracts.registry import HeadChangeRequest, HouseholdMergerRequest, HouseholdSeparationRequest
from shared.web.problems import NotFound, UnprocessableContent

HEAD_RELATIONSHIP = "世帯主"


@dataclass(frozen=True, slots=True)
class Assignment:
    resident_code: str
    household_id: str
    head_resident_code: str
    relationship: str


def household_not_found() -> NotFound:
    return NotFound("No household with this id has an active member.", slug="household-not-found")


def etag_of(members: Sequence[Mapping[Any, Any]]) -> str:
    """A strong validator of the household: its members and each one's version (any change to a
    member, or a member joining or leaving, changes it)."""
    text = ";".join(f"{m['resident_code']}:{m['version']}" for m in sorted(members, key=_code))
    return '"h' + hashlib.sha256(text.encode()).hexdigest()[:24] + '"'


def _code(member: Mapping[Any, Any]) -> str:
    code: str = member["resident_code"]
    return code


def head_of(members: Sequence[Mapping[Any, Any]]) -> str:
    """The head the members name (the head member's own record first)."""
    for member in members:
        if member["household_head_code"] == member["resident_code"]:
            return _code(member)
    head: str = members[0]["household_head_code"]
    return head


def _require_members(codes: Collection[str], members: Collection[str]) -> None:
    strangers = sorted(set(codes) - set(members))
    if strangers:
        raise UnprocessableContent(
            f"Not active members of the household: {', '.join(strangers)}.", slug="not-a-household-member"
        )


def _require_exactly(relationships: Mapping[str, str], expected: Collection[str]) -> None:
    given, wanted = set(relationships), set(expected)
    if given != wanted:
        missing = ", ".join(sorted(wanted - given)) or "none"
        extra = ", ".join(sorted(given - wanted)) or "none"
        raise UnprocessableContent(
            f"The relationships must name exactly the members concerned (missing: {missing}; "
            f"not expected: {extra}).",
            slug="household-relationships-mismatch",
        )


def head_change(
    household_id: str, members: Sequence[Mapping[Any, Any]], request: HeadChangeRequest
) -> list[Assignment]:
    codes = [_code(member) for member in members]
    new_head = request.head_resident_code
    _require_members([new_head, *request.relationships], codes)
    _require_exactly(request.relationships, [code for code in codes if code != new_head])
    return _under(new_head, household_id, codes, request.relationships)


def _under(
    head: str, household_id: str, codes: Sequence[str], relationships: Mapping[str, str]
) -> list[Assignment]:
    """Each of `codes` in the household under `head` (whose own 続柄 is 世帯主)."""
    return [
        Assignment(code, household_id, head, HEAD_RELATIONSHIP if code == head else relationships[code])
        for code in codes
    ]


def merger(
    household_id: str,
    members: Sequence[Mapping[Any, Any]],
    joining: Sequence[Mapping[Any, Any]],
    request: HouseholdMergerRequest,
) -> list[Assignment]:
    if request.merged_household_id == household_id:
        raise UnprocessableContent("A household cannot be merged into itself.", slug="same-household")
    if not joining:
        raise household_not_found()
    joiners = [_code(member) for member in joining]
    _require_exactly(request.relationships, joiners)
    head = head_of(members)
    return [Assignment(code, household_id, head, request.relationships[code]) for code in joiners]


def separation(
    members: Sequence[Mapping[Any, Any]], request: HouseholdSeparationRequest, *, new_household_id: str
) -> list[Assignment]:
    codes = [_code(member) for member in members]
    new_head = request.head_resident_code
    if new_head in request.relationships:
        raise UnprocessableContent(
            "The new head's own relationship is 世帯主; leave it out of relationships.",
            slug="household-relationships-mismatch",
        )
    leavers = [new_head, *request.relationships]
    _require_members(leavers, codes)
    if head_of(members) in leavers:
        raise UnprocessableContent(
            "The head stays in a separation; record a head change first.", slug="household-head-cannot-leave"
        )
    return _under(new_head, new_household_id, leavers, request.relationships)
