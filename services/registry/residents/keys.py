"""Matching keys stored beside the names and addresses (pure): what lookups compare."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from shared.values import fold_for_matching, fold_kana_for_matching, normalize_name

ADDRESS_SEPARATOR = "\n"
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d]")
_KANA_ONLY = re.compile(r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc\u30fd\u30fe\uff66-\uff9f・\s]+$")


@lru_cache(maxsize=65536)
def name_key(family_name: str, given_name: str) -> str:
    return fold_for_matching(family_name + given_name)


@lru_cache(maxsize=65536)
def kana_key(family_name_kana: str, given_name_kana: str) -> str:
    return fold_kana_for_matching(family_name_kana + given_name_kana)


def query_name_key(name: str) -> str:
    return fold_for_matching(name)


def query_kana_key(name: str) -> str:
    return fold_kana_for_matching(name)


def looks_like_kana(name: str) -> bool:
    return bool(_KANA_ONLY.match(name))


def join_address(lines: Sequence[str]) -> str:
    return ADDRESS_SEPARATOR.join(normalize_name(line) for line in lines)


def split_address(address: str) -> list[str]:
    return address.split(ADDRESS_SEPARATOR)


@lru_cache(maxsize=65536)
def address_key(address: str) -> str:
    """Width, spaces, dashes and character variants folded; line breaks ignored."""
    return _DASHES.sub("-", fold_for_matching(address.replace(ADDRESS_SEPARATOR, "")))
