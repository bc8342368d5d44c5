"""Who a donor is, across reports: a key made of the folded name and the normalised address.

Two filers write the same person differently (全角/半角, ひらがな/カタカナ, 髙/高, "2丁目1番2号"
or "2-1-2", with or without the prefecture). The key folds the name with
`shared.values.fold_for_matching`, and the address by NFKC, dash and block-number folding and
by dropping the prefecture and municipality names (the municipality code stands for them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from services.funds.municipalities import municipality
from shared.values import fold_for_matching

GRAM_MAX: Final = 3
_DASHES: Final = str.maketrans(dict.fromkeys("‐‑‒–—―−ー─－", "-"))
_BLOCK_WORDS: Final = re.compile(r"(丁目|番地|番|号)")
_KANJI_DIGITS: Final = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_KANJI_NUMBER: Final = re.compile(r"[〇一二三四五六七八九十]+")
# Folded names kept: a filing folds each line's name, and the same donors and payees come back
# in line after line and filing after filing.
_FOLDED_NAMES_KEPT: Final = 65_536


def _kanji_number(text: str) -> str:
    if "十" not in text:
        return "".join(str(_KANJI_DIGITS[c]) for c in text)
    tens, _, units = text.partition("十")
    value = (_KANJI_DIGITS[tens] if len(tens) == 1 else 1) * 10 + (
        _KANJI_DIGITS[units] if len(units) == 1 else 0
    )
    if len(tens) > 1 or len(units) > 1:
        return text
    return str(value)


def normalise_address(address: str, municipality_code: str | None = None) -> str:
    """A comparison key for an address; never shown to anyone."""
    text = "".join(unicodedata.normalize("NFKC", address).split())
    text = text.translate(_DASHES)
    if municipality_code is not None and (entry := municipality(municipality_code)) is not None:
        text = text.removeprefix(entry.prefecture).removeprefix(entry.name)
    text = _KANJI_NUMBER.sub(lambda match: _kanji_number(match.group(0)), text)
    text = _BLOCK_WORDS.sub("-", text)
    text = re.sub(r"-+", "-", text).strip("-")
    return text.casefold()


def donor_key(
    name: str, municipality_code: str | None, address: str | None, corporate_number: str | None = None
) -> str:
    """The identity a donor's donations are summed under, across organizations and reports: a
    body's corporate number when given (whatever the spelling of its name and address), else the
    folded name with the municipality and the normalised address."""
    if corporate_number is not None:
        return f"corporate:{corporate_number}"
    return "|".join(
        (
            search_key(name),
            municipality_code or "",
            normalise_address(address or "", municipality_code),
        )
    )


@lru_cache(maxsize=_FOLDED_NAMES_KEPT)
def search_key(name: str) -> str:
    """What donor-name search matches against: the folded name."""
    return fold_for_matching(name)


def query_grams(key: str) -> list[str]:
    """The grams a name must contain to contain `key` (a folded, non-empty search key): the key itself
    up to three characters (then containing the gram is containing the key), else its trigrams.
    The database side is `funds_name_grams` (every substring of one to three characters of a name),
    in migration 0003."""
    if len(key) <= GRAM_MAX:
        return [key]
    return list(dict.fromkeys(key[index : index + GRAM_MAX] for index in range(len(key) - GRAM_MAX + 1)))
