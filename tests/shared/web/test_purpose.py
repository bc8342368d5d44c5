"""The X-Purpose header: registered codes with RFC 8187 descriptions, and the free text still accepted."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from shared.web.problems import Problem
from shared.web.purpose import (
    DESCRIPTION_MAX_LENGTH,
    PURPOSE_HEADER_PATTERN,
    REGISTERED_PURPOSES,
    decode_purpose,
    encode_purpose,
    purpose_problem,
    read_purpose_codes,
)

CHILD_ALLOWANCE = "jichi:purpose:child-allowance"
JAPANESE = "児童手当の認定"


def refusal(raw: str) -> tuple[str, str]:
    with pytest.raises(Problem) as raised:
        decode_purpose(raw)
    return raised.value.problem_slug, raised.value.detail or ""


@pytest.mark.parametrize(
    ("raw", "recorded"),
    [
        (CHILD_ALLOWANCE, f"{CHILD_ALLOWANCE} 児童手当の受給資格及び額の認定"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''{quote(JAPANESE)}", f"{CHILD_ALLOWANCE} {JAPANESE}"),
        (f"{CHILD_ALLOWANCE};description*=utf-8'ja'{quote(JAPANESE)}", f"{CHILD_ALLOWANCE} {JAPANESE}"),
        (f"{CHILD_ALLOWANCE}; description={quote(JAPANESE)}", f"{CHILD_ALLOWANCE} {JAPANESE}"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''a%20%20b", f"{CHILD_ALLOWANCE} a b"),
        # The deprecated forms: percent-encoded text, and raw UTF-8 as Starlette hands it over.
        (quote(JAPANESE), JAPANESE),
        (JAPANESE.encode().decode("latin-1"), JAPANESE),
        ("pension check", "pension check"),
        # A header percent-encoded as a whole is decoded once, then read as the code it holds.
        (quote(encode_purpose(CHILD_ALLOWANCE, JAPANESE)), f"{CHILD_ALLOWANCE} {JAPANESE}"),
    ],
)
def test_accepted_forms_and_what_is_recorded(raw: str, recorded: str) -> None:
    assert raw.isascii() or raw == JAPANESE.encode().decode("latin-1")
    assert decode_purpose(raw) == recorded


def test_the_encoder_writes_the_documented_ascii_form() -> None:
    value = encode_purpose(CHILD_ALLOWANCE, JAPANESE)
    assert value == (
        "jichi:purpose:child-allowance; description*=UTF-8''"
        "%E5%85%90%E7%AB%A5%E6%89%8B%E5%BD%93%E3%81%AE%E8%AA%8D%E5%AE%9A"
    )
    assert value.isascii()
    assert re.fullmatch(PURPOSE_HEADER_PATTERN, value)
    assert re.fullmatch(PURPOSE_HEADER_PATTERN, CHILD_ALLOWANCE)
    assert decode_purpose(value) == f"{CHILD_ALLOWANCE} {JAPANESE}"


@pytest.mark.parametrize(
    ("raw", "slug", "says"),
    [
        ("jichi:purpose:no-such-purpose", "unknown-purpose", "not a registered purpose code"),
        (quote("jichi:purpose:no-such-purpose"), "unknown-purpose", "not a registered purpose code"),
        ("jichi:purpose:Child_Allowance", "purpose-required", "well-formed purpose code"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''%E5%85", "purpose-required", "not percent-encoded UTF-8"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''%ZZabc", "purpose-required", "not well-formed"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''%E5%8", "purpose-required", "not well-formed"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''{JAPANESE}", "purpose-required", "not well-formed"),
        (f"{CHILD_ALLOWANCE}; description*=ISO-8859-1''caf%E9", "purpose-required", "RFC 8187"),
        (f"{CHILD_ALLOWANCE}; description*={quote(JAPANESE)}", "purpose-required", "RFC 8187"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''", "purpose-required", "not well-formed"),
        (f"{CHILD_ALLOWANCE}; note=x", "purpose-required", "one parameter"),
        (f"{CHILD_ALLOWANCE}; description*=UTF-8''%07bell", "purpose-required", "control characters"),
        (
            f"{CHILD_ALLOWANCE}; description*=UTF-8''{quote('児' * (DESCRIPTION_MAX_LENGTH + 1))}",
            "purpose-required",
            f"at most {DESCRIPTION_MAX_LENGTH} characters",
        ),
        ("x" * 201, "purpose-required", "at most 200 characters"),
        ("%E5%85", "purpose-required", "not valid percent-encoded UTF-8"),
    ],
)
def test_refusals_are_clear_400_problems(raw: str, slug: str, says: str) -> None:
    refused_slug, detail = refusal(raw)
    assert (refused_slug, says in detail) == (slug, True), detail


def test_a_recorded_purpose_never_names_an_unregistered_code() -> None:
    """What another service logs for its own reads (POST /access-log/entries) is held to it too."""
    assert purpose_problem(f"{CHILD_ALLOWANCE} {JAPANESE}") is None
    assert purpose_problem("jichi:purpose:made-up 児童手当") == "names a purpose code that is not registered"


def test_every_registered_code_fits_the_documented_pattern_and_length() -> None:
    assert CHILD_ALLOWANCE in REGISTERED_PURPOSES
    longest = "あ" * DESCRIPTION_MAX_LENGTH
    for code, purpose in REGISTERED_PURPOSES.items():
        assert re.fullmatch(PURPOSE_HEADER_PATTERN, encode_purpose(code, longest))
        assert decode_purpose(encode_purpose(code, longest)) == f"{code} {longest}"
        assert purpose.legal_basis


def test_a_code_name_that_is_not_lowercase_words_is_refused_at_load(tmp_path: Path) -> None:
    codes = tmp_path / "codes.toml"
    codes.write_text(
        '[Child_Allowance]\nname_ja = "x"\nname_en = "x"\nlegal_basis = "x"\nlegal_basis_verified = false\n'
    )
    with pytest.raises(ValueError, match="not a purpose code name"):
        read_purpose_codes(codes)
