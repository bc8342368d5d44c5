"""Personal-data reads for a pseudonymous client: it names a resident (or household) by its own
pseudonym where others give the resident code (or household id), and every resident code and
household id in the answer is its pseudonym. A resident code sent by such a client is refused,
as a pseudonym sent by any other client is (either would let a client map codes to pseudonyms);
another domain's or an altered pseudonym names nobody, as an unknown code does (404). The access
log still records the real resident: the log is theirs, and disclosed to them."""

from __future__ import annotations

import hashlib
from typing import Any

from services.registry.households.rules import household_not_found
from services.registry.pseudonyms.codec import Identifiers, UnknownPseudonym
from services.registry.pseudonyms.verification import invalid_resident_id
from services.registry.residents.service import resident_not_found
from shared.web.problems import UnprocessableContent


def resident_code_in(identifiers: Identifiers, identifier: str) -> str:
    """The resident code a path's resident identifier stands for."""
    if identifier.isdigit() == identifiers.pseudonymous:
        raise invalid_resident_id("The path's resident_code")
    try:
        return identifiers.resident_code(identifier)
    except UnknownPseudonym:
        raise resident_not_found() from None


def household_id_in(identifiers: Identifiers, identifier: str) -> str:
    """The household id a path's household identifier stands for."""
    if identifier.startswith("H") == identifiers.pseudonymous:
        raise UnprocessableContent(
            "The path's household_id names no household you can name: a client configured with "
            "pseudonyms names households only by its own pseudonyms for them, any other client "
            "only by household ids.",
            slug="invalid-household-id",
        )
    try:
        return identifiers.household_id(identifier)
    except UnknownPseudonym:
        raise household_not_found() from None


def resident(identifiers: Identifiers, document: dict[str, Any]) -> dict[str, Any]:
    return identifiers.rename(document)


def items(identifiers: Identifiers, document: dict[str, Any], key: str = "items") -> dict[str, Any]:
    """A page of residents (an extract) or of events, renamed item by item."""
    if identifiers.pseudonymous:
        for item in document[key]:
            identifiers.rename(item)
    return document


def matches(identifiers: Identifiers, document: dict[str, Any]) -> dict[str, Any]:
    if identifiers.pseudonymous:
        for candidate in document["candidates"]:
            identifiers.rename(candidate["resident"])
    return document


def household(identifiers: Identifiers, document: dict[str, Any], etag: str) -> tuple[dict[str, Any], str]:
    """The household record and its ETag as the caller sees them: the ETag, a digest of the members'
    codes the same for every client, is one a pseudonymous client sees for its domain alone (or
    two agencies could join their households on it)."""
    if not identifiers.pseudonymous:
        return document, etag
    digest = hashlib.sha256(f"{identifiers.domain}\n{etag}".encode()).hexdigest()[:24]
    return identifiers.rename_household(document), f'"h{digest}"'
