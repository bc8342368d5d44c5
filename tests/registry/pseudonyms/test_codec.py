"""Pseudonyms: stable per domain, different across domains, not decodable elsewhere or when altered."""

from __future__ import annotations

import pytest

from services.registry.pseudonyms.codec import Identifiers, PseudonymCodec, UnknownPseudonym
from shared.contracts.registry import RESIDENT_ID_PATTERN

CODE = "12345678903"


def test_a_pseudonym_is_stable_and_its_domains_own() -> None:
    codec = PseudonymCodec("secret")
    pension = codec.encode(CODE, "pension")
    assert pension == PseudonymCodec("secret").encode(CODE, "pension")
    assert len(pension) == 34
    assert pension.isalnum()
    assert pension.islower()
    assert codec.encode(CODE, "tax") != pension
    assert codec.encode("12345678911", "pension") != pension
    assert PseudonymCodec("another secret").encode(CODE, "pension") != pension
    assert codec.decode(pension, "pension") == CODE
    assert codec.decode(codec.encode("00000000001", "p"), "p") == "00000000001"


def test_another_domains_or_an_altered_pseudonym_decodes_to_nobody() -> None:
    codec = PseudonymCodec("secret")
    pension = codec.encode(CODE, "pension")
    altered = ("b" if pension[0] != "b" else "c") + pension[1:]
    for bad, domain in (
        (pension, "tax"),
        (altered, "pension"),
        (CODE, "pension"),
        ("A" * 34, "pension"),
        ("", "pension"),
    ):
        with pytest.raises(UnknownPseudonym):
            codec.decode(bad, domain)


def test_identifiers_of_a_pseudonymous_caller_rename_codes_and_households() -> None:
    codec = PseudonymCodec("secret")
    plain = Identifiers(codec, None)
    assert plain.shown(CODE) == CODE
    assert plain.resident_code(CODE) == CODE
    mine = Identifiers(codec, "pension")
    document = {
        "resident_code": CODE,
        "resident": {
            "resident_code": CODE,
            "household": {"household_id": "H000000000001", "head_resident_code": CODE},
        },
    }
    mine.rename(document)
    pseudonym = codec.encode(CODE, "pension")
    assert document == {
        "resident_code": pseudonym,
        "resident": {
            "resident_code": pseudonym,
            "household": {
                "household_id": codec.encode_household("H000000000001", "pension"),
                "head_resident_code": pseudonym,
            },
        },
    }
    assert mine.resident_code(pseudonym) == CODE
    with pytest.raises(UnknownPseudonym):
        mine.resident_code(CODE)


def test_a_pseudonym_fits_the_contracts_identifier_and_never_looks_like_a_code() -> None:
    import re

    pseudonym = PseudonymCodec("s").encode(CODE, "d")
    assert re.fullmatch(RESIDENT_ID_PATTERN.strip("^$"), pseudonym)
    assert not pseudonym.isdigit()


def test_only_the_canonical_spelling_of_a_pseudonym_decodes() -> None:
    codec = PseudonymCodec("secret")
    pseudonym = codec.encode(CODE, "pension")
    last = "abcdefghijklmnopqrstuvwxyz234567".index(pseudonym[-1])
    # The last character's low 2 bits are padding: the other spellings of the same bytes.
    for padding in range(1, 4):
        spelling = pseudonym[:-1] + "abcdefghijklmnopqrstuvwxyz234567"[last ^ padding]
        with pytest.raises(UnknownPseudonym):
            codec.decode(spelling, "pension")
    assert codec.decode(pseudonym, "pension") == CODE
    household = codec.encode_household("H000000000042", "pension")
    with pytest.raises(UnknownPseudonym):
        codec.decode_household(
            household[:-1]
            + "abcdefghijklmnopqrstuvwxyz234567"["abcdefghijklmnopqrstuvwxyz234567".index(household[-1]) ^ 1],
            "pension",
        )
