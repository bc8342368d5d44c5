"""Keyset pagination with opaque, signed page tokens.

A token carries the last row's sort key and a fingerprint of the query it came from, signed
with the service's secret: it cannot be forged, edited, or replayed against another query.
Its position is still read as untrusted input, each value checked against its sort column's
type, so that a token made with a leaked or default secret is refused (400) like any other
bad token instead of failing in the database.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, Date, DateTime, Integer, Select, SmallInteger, String, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from shared.web.problems import BadRequest
from shared.web.state import state_of

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str | None = Field(
        default=None, description="Pass as page_token to get the next page; absent on the last page."
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PageTokenCodec:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def _signature(self, payload: bytes) -> bytes:
        return hmac.digest(self._secret, payload, "sha256")[:16]

    def encode(self, query_fingerprint: str, position: Sequence[Any]) -> str:
        payload = orjson.dumps({"q": query_fingerprint, "k": list(position)})
        return f"{_b64(payload)}.{_b64(self._signature(payload))}"

    def decode(
        self, token: str, query_fingerprint: str, sort_columns: Sequence[ColumnElement[Any]]
    ) -> list[Any]:
        """The position `token` holds, one value of each sort column's type; else 400."""
        try:
            payload_text, signature_text = token.split(".", 1)
            payload = _unb64(payload_text)
            signature = _unb64(signature_text)
            if not hmac.compare_digest(signature, self._signature(payload)):
                raise ValueError("not signed with this service's secret")
            document = orjson.loads(payload)
            if not isinstance(document, dict) or document.get("q") != query_fingerprint:
                raise ValueError("issued for another query")
            position = document.get("k")
            if not isinstance(position, list) or len(position) != len(sort_columns):
                raise ValueError("not a position in this order")
            return [
                _column_value(column, value) for column, value in zip(sort_columns, position, strict=True)
            ]
        except ValueError:
            raise BadRequest(
                "The page_token is not one this service issued for this query.", slug="invalid-page-token"
            ) from None


_INTEGER_BITS = ((BigInteger, 64), (SmallInteger, 16), (Integer, 32))


def _column_value(column: ColumnElement[Any], value: Any) -> Any:
    """`value`, read from a token's JSON, as a parameter for `column`; ValueError if it is none."""
    column_type = column.type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    for integer_type, bits in _INTEGER_BITS:
        if isinstance(column_type, integer_type):
            if type(value) is not int or not -(2 ** (bits - 1)) <= value < 2 ** (bits - 1):
                raise ValueError("not an integer of the column's size")
            return value
    if not isinstance(value, str):
        raise ValueError("not text")
    if isinstance(column_type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return date.fromisoformat(value)
    if isinstance(column_type, String) and "\x00" not in value:
        return value
    raise ValueError("not a value of the column's type")


def query_fingerprint(name: str, **filters: Any) -> str:
    """Identifies one query (operation plus filters) so its tokens fit no other."""
    canonical = orjson.dumps({"n": name, "f": filters}, option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(canonical).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class PageRequest:
    page_size: int
    page_token: str | None
    codec: PageTokenCodec


async def page_request(
    request: Request,
    page_size: Annotated[
        int,
        Query(
            ge=1,
            le=MAX_PAGE_SIZE,
            description=f"Items per page: default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}.",
        ),
    ] = DEFAULT_PAGE_SIZE,
    page_token: Annotated[
        str | None,
        Query(max_length=2048, description="The next_page_token of the previous page."),
    ] = None,
) -> PageRequest:
    return PageRequest(page_size, page_token, state_of(request.app).page_codec)


PageParams = Annotated[PageRequest, Depends(page_request)]


async def keyset_page(
    session: AsyncSession,
    statement: Select[Any],
    *,
    sort_columns: Sequence[ColumnElement[Any]],
    page: PageRequest,
    fingerprint: str,
    position_of: Callable[[Any], Sequence[Any]],
    descending: bool = False,
) -> tuple[list[Any], str | None]:
    """Rows after the token's position in (sort_columns) order; the last column must be unique."""
    if page.page_token:
        position = page.codec.decode(page.page_token, fingerprint, sort_columns)
        key = tuple_(*sort_columns)
        statement = statement.where(key < tuple_(*position) if descending else key > tuple_(*position))
    ordering = [column.desc() if descending else column.asc() for column in sort_columns]
    rows = list((await session.execute(statement.order_by(*ordering).limit(page.page_size + 1))).all())
    if len(rows) <= page.page_size:
        return rows, None
    rows = rows[: page.page_size]
    return rows, page.codec.encode(fingerprint, list(position_of(rows[-1])))
