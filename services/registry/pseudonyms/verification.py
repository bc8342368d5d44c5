"""Bulk verification for a pseudonymous client: it names residents by its pseudonyms and is
answered with them; a resident code in its request would let it map codes to pseudonyms."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from services.registry.pseudonyms.codec import Identifiers, UnknownPseudonym
from services.registry.residents.service import ByCode
from shared.contracts.registry import VerificationItem
from shared.web.problems import UnprocessableContent


def invalid_resident_id(pointer: str) -> UnprocessableContent:
    return UnprocessableContent(
        f"{pointer} names no resident you can name: a client configured with pseudonyms names "
        "residents only by its own pseudonyms, any other client only by resident codes (whose "
        "check digit matches).",
        slug="invalid-resident-id",
    )


def items_for(
    identifiers: Identifiers, items: Sequence[VerificationItem | ByCode]
) -> Sequence[VerificationItem | ByCode]:
    """The items with every pseudonym turned into the resident code it stands for."""
    if not identifiers.pseudonymous:
        for index, item in enumerate(items):
            if isinstance(item, VerificationItem) and item.pseudonym is not None:
                raise invalid_resident_id(f"/items/{index}/pseudonym")
        return items
    resolved: list[VerificationItem | ByCode] = []
    for index, item in enumerate(items):
        if item.resident_code is not None:
            raise invalid_resident_id(f"/items/{index}/resident_code")
        if isinstance(item, VerificationItem) and item.pseudonym is not None:
            try:
                code = identifiers.resident_code(item.pseudonym)
            except UnknownPseudonym:
                raise invalid_resident_id(f"/items/{index}/pseudonym") from None
            resolved.append(ByCode(code, item.reference))
        else:
            resolved.append(item)
    return resolved


def answer_for(identifiers: Identifiers, document: dict[str, Any]) -> dict[str, Any]:
    """The verification results naming residents as the caller does."""
    if identifiers.pseudonymous:
        for result in document["results"]:
            if "resident_code" in result:
                result["resident_code"] = identifiers.shown(result["resident_code"])
    return document
