"""Rules of the code master (pure): validity periods and what a dated change may do."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from shared.contracts.registry import CodeChangeKind, CodeChangeRequest
from shared.values import local_government_check_digit
from shared.web.problems import Conflict, UnprocessableContent

NEEDS_SUCCESSOR = frozenset(
    {
        CodeChangeKind.MERGER,
        CodeChangeKind.ABSORPTION,
        CodeChangeKind.CITY_STATUS,
        CodeChangeKind.WARD_REORGANIZATION,
    }
)


def in_force(row: Mapping[Any, Any], on: date) -> bool:
    """`from_date` is the first day in force, `to_date` the first day no longer in force."""
    starts, ends = row["from_date"], row["to_date"]
    return (starts is None or starts <= on) and (ends is None or on < ends)


def prefecture_code(code: str) -> str:
    """The prefecture's own code for any code of that prefecture (check digit included)."""
    first_five = code[:2] + "000"
    return first_five + str(local_government_check_digit(first_five))


def check_change(request: CodeChangeRequest, existing: Mapping[str, Mapping[Any, Any]]) -> None:
    """Refuse a change that does not fit the master as it stands; `existing` maps code → row
    for every code the change names."""
    effective = request.effective_date
    retired = set(request.retired_codes)
    new = {item.code for item in request.new_codes}
    if len(retired) != len(request.retired_codes) or len(new) != len(request.new_codes):
        raise UnprocessableContent("A code is listed twice in the change.", slug="duplicate-code")
    for code in request.retired_codes:
        row = existing.get(code)
        if row is None:
            raise UnprocessableContent(
                f"{code} is not in the code master.", slug="unknown-local-government-code"
            )
        if not in_force(row, effective):
            raise Conflict(f"{code} is not in force on {effective.isoformat()}.", slug="code-not-in-force")
        if row["kind"] == "prefecture":
            raise UnprocessableContent("Prefecture codes do not change.", slug="prefecture-code")
    for item in request.new_codes:
        if item.code in existing:
            raise Conflict(
                f"{item.code} was already issued; abolished codes are never reused.",
                slug="code-already-issued",
            )
        if item.kind == "prefecture":
            raise UnprocessableContent("Prefecture codes are not issued by a change.", slug="prefecture-code")
        if prefecture_code(item.code) not in existing:
            raise UnprocessableContent(
                f"The prefecture of {item.code} is unknown.", slug="unknown-prefecture"
            )
    succeeded: set[str] = set()
    for succession in request.successions:
        if succession.code not in retired:
            raise UnprocessableContent(
                f"{succession.code} has a successor but is not retired by this change.",
                slug="invalid-succession",
            )
        target = succession.successor_code
        if target in retired:
            raise UnprocessableContent(f"{target} is retired; it cannot succeed.", slug="invalid-succession")
        if target not in new:
            row = existing.get(target)
            if row is None:
                raise UnprocessableContent(
                    f"{target} is not in the code master.", slug="unknown-local-government-code"
                )
            if not in_force(row, effective):
                raise Conflict(
                    f"{target} is not in force on {effective.isoformat()}.", slug="code-not-in-force"
                )
        succeeded.add(succession.code)
    if request.kind in NEEDS_SUCCESSOR and retired - succeeded:
        missing = ", ".join(sorted(retired - succeeded))
        raise UnprocessableContent(
            f"A {request.kind} names a successor for every retired code; missing: {missing}.",
            slug="successor-required",
        )
