"""Japanese personal names: normalisation, validated pydantic types, matching keys.

Stored names are normalised (NFKC, whitespace trimmed and collapsed) but keep their
characters; the ``fold_*`` functions build keys for lookups only, where width, kana and
old/new character variants must not make equal names differ. Note that NFKC also maps
CJK compatibility ideographs (U+F900 block, except the twelve unified ones such as 﨑) to
their unified forms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Final

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

NAME_MAX_LENGTH: Final = 100

_HIRAGANA_TO_KATAKANA: Final[dict[int, int]] = {
    **{code: code + 0x60 for code in range(0x3041, 0x3097)},  # ぁ..ゖ → ァ..ヶ
    0x309D: 0x30FD,  # ゝ → ヽ
    0x309E: 0x30FE,  # ゞ → ヾ
}

NAME_VARIANTS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "髙": "高",
        "﨑": "崎",
        "嵜": "崎",
        "邊": "辺",
        "邉": "辺",
        "齋": "斎",
        "齊": "斎",
        "斉": "斎",
        "濵": "浜",
        "濱": "浜",
        "澤": "沢",
        "櫻": "桜",
        "廣": "広",
        "國": "国",
        "實": "実",
        "眞": "真",
        "惠": "恵",
        "德": "徳",
        "壽": "寿",
        "藏": "蔵",
        "嶋": "島",
    }
)
"""Old or variant character → the form used in matching keys (never in stored names)."""

_NAME_FOLDING: Final[dict[int, int]] = {
    **_HIRAGANA_TO_KATAKANA,
    **{ord(old): ord(new) for old, new in NAME_VARIANTS.items()},
}

_SMALL_TO_LARGE_KANA: Final[dict[int, int]] = str.maketrans(
    "ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ"
)
_DASHES_TO_LONG_VOWEL: Final[dict[int, int]] = str.maketrans(
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500", "ー" * 9
)
_KANA_FOLDING: Final[dict[int, int | None]] = {
    **_SMALL_TO_LARGE_KANA,
    **_DASHES_TO_LONG_VOWEL,
    ord(" "): None,
    ord("・"): None,
}

_KANA_PUNCTUATION: Final = frozenset("ー・ ")
_KATAKANA_FIRST: Final = 0x30A1  # ァ
_KATAKANA_LAST: Final = 0x30FA  # ヺ
_CONTROL_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _collapse_whitespace(s: str) -> str:
    return " ".join(s.split())


def _is_variation_selector(char: str) -> bool:
    code = ord(char)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF


def hiragana_to_katakana(s: str) -> str:
    """Replace each hiragana by its katakana (ゝゞ → ヽヾ); other characters unchanged."""
    return s.translate(_HIRAGANA_TO_KATAKANA)


def normalize_name(s: str) -> str:
    """NFKC, then trim and collapse every run of whitespace (U+3000 included) to one space."""
    return _collapse_whitespace(unicodedata.normalize("NFKC", s))


def normalize_kana(s: str) -> str:
    """``normalize_name`` plus hiragana → katakana (``"ﾔﾏﾀﾞ　ﾀﾛｳ"`` → ``"ヤマダ タロウ"``)."""
    return hiragana_to_katakana(normalize_name(s))


def fold_for_matching(s: str) -> str:
    """Lookup key for a name: normalised, no spaces, one form per character variant.

    Also removes variation selectors (IVS), maps hiragana to katakana and case-folds
    Latin letters. The result is for comparison only; never store it as the name.
    """
    folded = "".join(char for char in normalize_name(s) if char != " " and not _is_variation_selector(char))
    return folded.translate(_NAME_FOLDING).casefold()


def fold_kana_for_matching(s: str) -> str:
    """Lookup key for a kana name: normalised, spaces and ・ removed, small kana made large.

    Dash-like characters (``-``, ``‐``, ``―``, ``−`` ...) become ``ー``.
    """
    return normalize_kana(s).translate(_KANA_FOLDING)


def _check_length(name: str, *, kind: str, label: str) -> None:
    if not name:
        raise PydanticCustomError(
            f"{kind}_empty", "{label} must not be empty or only spaces", {"label": label}
        )
    if len(name) > NAME_MAX_LENGTH:
        raise PydanticCustomError(
            f"{kind}_too_long",
            "{label} must have at most {max_length} characters, got {length}",
            {"label": label, "max_length": NAME_MAX_LENGTH, "length": len(name)},
        )


def _describe(char: str) -> dict[str, str]:
    name = unicodedata.name(char, "")
    codepoint = f"U+{ord(char):04X}"
    return {
        "character": char,
        "codepoint": f"{codepoint} {name}" if name else codepoint,
    }


def _validate_kanji_name(value: str) -> str:
    name = normalize_name(value)
    _check_length(name, kind="kanji_name", label="name")
    for position, char in enumerate(name, start=1):
        if unicodedata.category(char) in _CONTROL_CATEGORIES:
            raise PydanticCustomError(
                "kanji_name_control_character",
                "name must not contain control or format characters; "
                "found {codepoint} at position {position}",
                {**_describe(char), "position": position},
            )
    return name


def _is_allowed_kana(char: str) -> bool:
    return char in _KANA_PUNCTUATION or _KATAKANA_FIRST <= ord(char) <= _KATAKANA_LAST


def _validate_kana_name(value: str) -> str:
    name = normalize_kana(value)
    _check_length(name, kind="kana_name", label="kana name")
    for position, char in enumerate(name, start=1):
        if not _is_allowed_kana(char):
            raise PydanticCustomError(
                "kana_invalid_character",
                "kana name may contain only full-width katakana, 'ー', '・' and spaces; "
                "'{character}' ({codepoint}) at position {position} is not allowed",
                {**_describe(char), "position": position},
            )
    return name


KanjiName = Annotated[
    str,
    AfterValidator(_validate_kanji_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": NAME_MAX_LENGTH,
            "description": (
                "A name as written (kanji, kana or Latin letters). NFKC-normalised, "
                "whitespace trimmed and collapsed; control characters are refused."
            ),
            "examples": ["山田 太郎"],
        }
    ),
]
"""A normalised name of 1 to 100 characters without control characters."""

KanaName = Annotated[
    str,
    AfterValidator(_validate_kana_name),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 1,
            "maxLength": NAME_MAX_LENGTH,
            "description": (
                "The reading of a name in full-width katakana, 'ー', '・' and spaces. "
                "Half-width katakana and hiragana are accepted and converted."
            ),
            "examples": ["ヤマダ タロウ"],
        }
    ),
]
"""A reading in full-width katakana (with ー, ・ and single spaces), 1 to 100 characters."""
