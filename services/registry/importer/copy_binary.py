"""Rows in PostgreSQL's binary COPY format, built in the workers (pure).

The main process hands the bytes to COPY as they are: no per-row work is left for it, a
batch crosses from a worker as one bytes object instead of thousands of tuples, and the
server reads binary fields more cheaply than text.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, Final, cast

_HEADER: Final = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, flags, header extension length
_TRAILER: Final = b"\xff\xff"
_NULL: Final = b"\xff\xff\xff\xff"
_TRUE: Final = b"\x00\x00\x00\x01\x01"
_FALSE: Final = b"\x00\x00\x00\x01\x00"
_EPOCH_DAY: Final = date(2000, 1, 1).toordinal()
_EPOCH: Final = datetime(2000, 1, 1, tzinfo=UTC)
_int32 = struct.Struct(">i").pack
_int16 = struct.Struct(">h").pack
_sized_int32 = struct.Struct(">ii").pack
_sized_int64 = struct.Struct(">iq").pack


def _text(value: str) -> bytes:
    data = value.encode()
    return _int32(len(data)) + data


def _bytea(value: bytes) -> bytes:
    return _int32(len(value)) + value


def _null(_: None) -> bytes:
    return _NULL


def _boolean(value: bool) -> bytes:
    return _TRUE if value else _FALSE


def _int4(value: int) -> bytes:
    return _sized_int32(4, value)


def _date(value: date) -> bytes:
    return _sized_int32(4, value.toordinal() - _EPOCH_DAY)


def _timestamptz(value: datetime) -> bytes:
    """Microseconds since 2000-01-01 UTC; `value` must carry its time zone."""
    delta = value - _EPOCH
    return _sized_int64(8, (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


_ENCODERS: Final[dict[type, Callable[[Any], bytes]]] = {
    str: _text,
    type(None): _null,
    date: _date,
    datetime: _timestamptz,
    bool: _boolean,
    int: _int4,
    bytes: _bytea,
}


_CACHE_LIMIT: Final = 300_000
_cache: dict[object, bytes] = {None: _NULL}
"""Encoded texts, dates and times by value: a register repeats names, kana, codes and dates a
great deal. Only str, date, datetime and None go in (bool and int would collide: True == 1)."""


def _encode_new(value: Any) -> bytes:
    kind = value.__class__
    data = _ENCODERS[kind](value)
    if kind is str or kind is date or kind is datetime:
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
            _cache[None] = _NULL
        _cache[value] = data
    return data


def encode_rows(rows: Iterable[tuple[Any, ...]]) -> bytes:
    """A whole COPY stream (header, rows, trailer). Each value is one of str (text, varchar),
    None, date, datetime (timestamptz), bool, int (integer) or bytes (bytea)."""
    return frame([encode_bodies(rows)])


def frame(bodies: Iterable[bytes]) -> bytes:
    """A COPY stream of rows already encoded by `encode_bodies` (header and trailer added)."""
    return b"".join((_HEADER, *bodies, _TRAILER))


def encode_bodies(rows: Iterable[tuple[Any, ...]]) -> bytes:
    """The rows' tuples in binary COPY form, without header or trailer: the parts of one
    stream can be encoded apart (one import line each) and framed together."""
    known = _cache.get
    out: list[bytes] = []
    append = out.append
    extend = out.extend
    for row in rows:
        append(_int16(len(row)))
        fields = list(map(known, row))
        if None in fields:
            for index, data in enumerate(fields):
                if data is None:
                    fields[index] = _encode_new(row[index])
        extend(cast("list[bytes]", fields))  # every gap filled above
    return b"".join(out)
