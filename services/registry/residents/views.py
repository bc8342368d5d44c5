"""What a caller sees of a resident (pure): field groups by scope, the protection order.

Documents are built as plain dicts for speed and serialised once; their shape is the
`shared.contracts.registry.Resident` model (fields the caller may not see are absent).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from services.registry.residents.keys import split_address
from shared.contracts.registry import ProvidedItem
from shared.values import to_rfc3339


@dataclass(frozen=True, slots=True)
class Visibility:
    basic: bool
    address: bool
    identity: bool
    history: bool
    protected: bool

    @classmethod
    def of(cls, scopes: Collection[str]) -> Visibility:
        basic = "registry:read" in scopes
        return cls(
            basic=basic,
            address=basic and "registry:address" in scopes,
            identity=basic and "registry:identity" in scopes,
            history=basic and "registry:history" in scopes and "registry:address" in scopes,
            protected="registry:protected" in scopes,
        )

    def shows_address(self, protected_resident: bool) -> bool:
        return self.address and (self.protected or not protected_resident)

    def shows_history(self, protected_resident: bool) -> bool:
        return self.history and (self.protected or not protected_resident)


def iso(value: date | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return value.isoformat()


def resident_document(
    state: Mapping[Any, Any],
    *,
    resident_code: str,
    version: int,
    protected: bool,
    visibility: Visibility,
    individual_number: str | None = None,
    history: list[dict[str, Any]] | None = None,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The resident as this caller may see it, and the item groups provided."""
    document: dict[str, Any] = {"resident_code": resident_code, "version": version}
    items: list[str] = []
    if visibility.basic:
        items.append(ProvidedItem.BASIC)
        document.update(
            family_name=state["family_name"],
            given_name=state["given_name"],
            family_name_kana=state["family_name_kana"],
            given_name_kana=state["given_name_kana"],
            former_family_name=state["former_family_name"],
            alias=state["alias"],
            date_of_birth=iso(state["date_of_birth"]),
            sex=state["sex"],
            nationality=state["nationality"],
            foreign_resident=(
                {
                    "status_of_residence": state["status_of_residence"],
                    "period_of_stay_until_date": iso(state["period_of_stay_until"]),
                }
                if state["status_of_residence"] is not None
                else None
            ),
            status=state["status"],
            status_since_date=iso(state["status_since"]),
        )
    if visibility.shows_address(protected):
        items.append(ProvidedItem.ADDRESS)
        document.update(
            address={
                "local_government_code": state["local_government_code"],
                "address_lines": split_address(state["address"]),
            },
            address_since_date=iso(state["address_since"]),
            household={
                "household_id": state["household_id"],
                "head_resident_code": state["household_head_code"],
                "relationship": state["relationship"],
            },
        )
    if visibility.identity and individual_number is not None:
        items.append(ProvidedItem.INDIVIDUAL_NUMBER)
        document["individual_number"] = individual_number
    elif visibility.identity:
        document["individual_number"] = None
    if visibility.protected:
        document["protected"] = protected
    if history is not None and visibility.shows_history(protected):
        items.append(ProvidedItem.HISTORY)
        document["residence_history"] = history
    if as_of is not None:
        document["as_of_date"] = as_of.isoformat()
    if known_at is not None:
        document["known_at"] = to_rfc3339(known_at)
    return document, items


def address_document(state: Mapping[Any, Any]) -> dict[str, Any]:
    return {
        "local_government_code": state["local_government_code"],
        "address_lines": split_address(state["address"]),
    }
