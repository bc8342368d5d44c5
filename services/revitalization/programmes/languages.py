"""Accept-Language negotiation among the catalogue's languages: Japanese, English, easy Japanese."""

from __future__ import annotations

from typing import Final

JAPANESE: Final = "ja"
ENGLISH: Final = "en"
EASY_JAPANESE: Final = "ja-x-easy"
SUPPORTED: Final = (JAPANESE, ENGLISH, EASY_JAPANESE)
DEFAULT: Final = JAPANESE
_ALIASES: Final = {"ja-x-yasashii": EASY_JAPANESE, "ja-easy": EASY_JAPANESE}


def _parse(header: str) -> list[tuple[float, int, str]]:
    ranges = []
    for position, part in enumerate(header.split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        if not tag:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
                if not 0.0 <= quality <= 1.0:
                    quality = 0.0
        ranges.append((quality, position, tag.lower()))
    return ranges


def _match(tag: str) -> str | None:
    tag = _ALIASES.get(tag, tag)
    if tag in SUPPORTED:
        return tag
    if tag == "*":
        return DEFAULT
    primary = tag.split("-", 1)[0]
    return primary if primary in SUPPORTED else None


def negotiate(header: str | None) -> str:
    """The best supported language for an Accept-Language header (RFC 9110 §12.5.4), or Japanese."""
    if not header:
        return DEFAULT
    for quality, _, tag in sorted(_parse(header), key=lambda r: (-r[0], r[1])):
        if quality <= 0.0:
            continue
        match = _match(tag)
        if match is not None:
            return match
    return DEFAULT
