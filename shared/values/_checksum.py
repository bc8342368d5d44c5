"""Check-digit arithmetic shared by the identifier modules."""

from __future__ import annotations

from operator import mul

# Q_n for the n-th digit from the right, n = 1..11 (see weighted_mod11_check_digit).
_MOD11_WEIGHTS = tuple(n + 1 if n <= 6 else n - 5 for n in range(1, 12))
_ZERO_OFFSETS = tuple(ord("0") * sum(_MOD11_WEIGHTS[:count]) for count in range(12))
# The weights of `count` digits read from the left, so a code needs no reversing.
_WEIGHTS_FROM_LEFT = tuple(_MOD11_WEIGHTS[:count][::-1] for count in range(12))


def require_ascii_digits(value: str, *, length: int, what: str) -> None:
    """Raise ``ValueError`` unless ``value`` is exactly ``length`` ASCII digits.

    The message never repeats ``value``: callers pass protected numbers too.
    """
    if len(value) != length or not (value.isascii() and value.isdigit()):
        raise ValueError(f"{what} must be exactly {length} ASCII digits")


def weighted_mod11_check_digit(digits: str) -> int:
    """Check digit of the individual-number scheme (also used for resident codes).

    With ``P_n`` the n-th digit counted from the right and ``Q_n = n + 1`` for n = 1..6,
    ``n - 5`` for n = 7..11: ``r = sum(P_n * Q_n) mod 11``; the check digit is 0 when
    ``r <= 1`` and ``11 - r`` otherwise. ``digits`` must be ASCII digits, at most 11.
    """
    if len(digits) > 11:
        raise ValueError("the weighted mod-11 scheme covers at most 11 digits")
    # Over the ASCII codes, then minus what the 48 ('0') of each code added: half the time of
    # converting each digit, and a bulk verification checks a thousand codes.
    count = len(digits)
    total = sum(map(mul, digits.encode(), _WEIGHTS_FROM_LEFT[count])) - _ZERO_OFFSETS[count]
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder
