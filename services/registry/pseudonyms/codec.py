"""Turning a resident code into a domain's pseudonym and back (no I/O).

A pseudonym is the deterministic authenticated encryption (AES-SIV, RFC 5297) of the resident
code under a key derived from `REGISTRY_PSEUDONYM_KEY`, with the client's pseudonym domain as
associated data, in lowercase base32. So:

- it is stable: the same resident and domain give the same pseudonym every time, in every replica;
- two domains' pseudonyms for one resident differ and cannot be linked without the key, and a
  pseudonym of one domain does not decode in another (the SIV tag fails);
- a client cannot reverse it (it would need the key); the registry can, without a mapping table,
  so lookups, subscriptions and the feed accept it as they accept a resident code;
- a made-up or altered pseudonym is rejected rather than decoded to some resident.

A pseudonym stands for a resident code, so a resident-code change (住民票コードの変更) gives the
resident a new pseudonym in every domain, as it gives them a new code for every municipality: the
feed's `resident_code_change` event, in a pseudonymous client's view, carries the new pseudonym in
`resident_code` and the old one in `former_resident_code`, which is how an agency carries its own
records over (the same contract as for clients that see codes). The old pseudonym then resolves to
nobody (404), like the old code. A pseudonym keyed on an internal id instead would need a stable id
the register does not have (the resident code is its key) and a table to map it back.

A resident code (11 digits) is packed into 5 bytes before encryption: the pseudonym is
21 bytes, 34 base32 characters, and never looks like a resident code.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESSIV

PSEUDONYM_LENGTH: Final = 34
PSEUDONYM_PATTERN: Final = r"^[a-z2-7]{34}$"
_PSEUDONYM = re.compile(r"[a-z2-7]{34}")
_CODE_BYTES: Final = 5  # 11 decimal digits < 2**37, 12 (a household id's) < 2**40
HOUSEHOLD_PSEUDONYM_PATTERN: Final = r"^h[a-z2-7]{34}$"
_HOUSEHOLD_ID = re.compile(r"H[0-9]{12}")
_HOUSEHOLD: Final = b"household"
_LABEL: Final = b"jichi-registry:pseudonyms:v1"
_CACHED: Final = 1 << 16


class UnknownPseudonym(ValueError):  # noqa: N818 - a finding, like the codec's other answers
    """Not a pseudonym of this domain (malformed, altered, or another domain's)."""


def _canonical(text: str) -> bytes:
    """The 21 bytes `text` spells, if it is their only spelling: 34 base32 characters carry 170
    bits, and a decoder ignores the last 2, so without this check four strings would name one
    resident (an altered pseudonym must name nobody)."""
    sealed = base64.b32decode(text.upper() + "======")
    if base64.b32encode(sealed).decode("ascii").rstrip("=").lower() != text:
        raise binascii.Error("not the canonical spelling")
    return sealed


class PseudonymCodec:
    def __init__(self, secret: str) -> None:
        self._siv = AESSIV(hmac.new(secret.encode(), _LABEL, hashlib.sha512).digest())
        # A burst of events names the same residents again and again (and AES-SIV costs ~9 µs).
        self._encoded = lru_cache(maxsize=_CACHED)(self._encode)

    def encode(self, resident_code: str, domain: str) -> str:
        return self._encoded(resident_code, domain)

    def _encode(self, resident_code: str, domain: str) -> str:
        plain = int(resident_code).to_bytes(_CODE_BYTES, "big")
        sealed = self._siv.encrypt(plain, [domain.encode()])
        return base64.b32encode(sealed).decode("ascii").rstrip("=").lower()

    def decode(self, pseudonym: str, domain: str) -> str:
        """The resident code behind `pseudonym` in `domain`; UnknownPseudonym if there is none."""
        if not _PSEUDONYM.fullmatch(pseudonym):
            raise UnknownPseudonym(pseudonym)
        try:
            sealed = _canonical(pseudonym)
            plain = self._siv.decrypt(sealed, [domain.encode()])
        except (binascii.Error, InvalidTag):
            raise UnknownPseudonym(pseudonym) from None
        return f"{int.from_bytes(plain, 'big'):011d}"

    def encode_household(self, household_id: str, domain: str) -> str:
        """A household's pseudonym: `h` and the same construction over its 12 digits, with its own
        associated data, so it never decodes as a resident's (nor a resident's as it)."""
        plain = int(household_id[1:]).to_bytes(_CODE_BYTES, "big")
        sealed = self._siv.encrypt(plain, [domain.encode(), _HOUSEHOLD])
        return "h" + base64.b32encode(sealed).decode("ascii").rstrip("=").lower()

    def decode_household(self, pseudonym: str, domain: str) -> str:
        """The household id behind `pseudonym` in `domain`; UnknownPseudonym if there is none."""
        if not (pseudonym.startswith("h") and _PSEUDONYM.fullmatch(pseudonym, 1)):
            raise UnknownPseudonym(pseudonym)
        try:
            sealed = _canonical(pseudonym[1:])
            plain = self._siv.decrypt(sealed, [domain.encode(), _HOUSEHOLD])
        except (binascii.Error, InvalidTag):
            raise UnknownPseudonym(pseudonym) from None
        return f"H{int.from_bytes(plain, 'big'):012d}"


class Identifiers:
    """How one caller names residents: resident codes, or its domain's pseudonyms."""

    def __init__(self, codec: PseudonymCodec, domain: str | None) -> None:
        self.codec = codec
        self.domain = domain

    @property
    def pseudonymous(self) -> bool:
        return self.domain is not None

    def shown(self, resident_code: str) -> str:
        return resident_code if self.domain is None else self.codec.encode(resident_code, self.domain)

    def shown_household(self, household_id: str) -> str:
        return household_id if self.domain is None else self.codec.encode_household(household_id, self.domain)

    def rename(self, document: dict[str, Any]) -> dict[str, Any]:
        """An event or record document as this caller names residents: its resident code, its
        household's id (the same for every client: a key two agencies could join on) and head
        become this caller's pseudonyms."""
        if self.domain is None:
            return document
        document["resident_code"] = self.shown(document["resident_code"])
        former = document.get("former_resident_code")
        if former is not None:
            # A resident-code change gives a new pseudonym: the event names the old one.
            document["former_resident_code"] = self.shown(former)
        resident = document.get("resident")
        if resident is not None:
            self.rename(resident)
        household = document.get("household")
        if household is not None:
            self.rename_household(household)
        return document

    def rename_household(self, household: dict[str, Any]) -> dict[str, Any]:
        """A household (a resident's, or the household record with its members) as this caller
        names residents and households."""
        if self.domain is None:
            return household
        if household.get("household_id") is not None:
            household["household_id"] = self.shown_household(household["household_id"])
        head = household.get("head_resident_code")
        household["head_resident_code"] = self.shown(head) if head is not None else None
        for member in household.get("members", ()):
            member["resident_code"] = self.shown(member["resident_code"])
        return household

    def household_id(self, identifier: str) -> str:
        """The household id a caller means; a pseudonymous caller names households only by its
        pseudonyms for them (UnknownPseudonym otherwise)."""
        if self.domain is None:
            if not _HOUSEHOLD_ID.fullmatch(identifier):
                raise UnknownPseudonym(identifier)
            return identifier
        return self.codec.decode_household(identifier, self.domain)

    def resident_code(self, identifier: str) -> str:
        """The resident code a caller means; a pseudonymous caller may only name residents by its
        pseudonyms (a resident code would let it map codes to pseudonyms)."""
        if self.domain is None:
            return identifier
        return self.codec.decode(identifier, self.domain)
