"""Keyset pagination with opaque, signed page tokens.

A token carries the last row's sort key and a fingerprint of the query it came from, signed
with the service's secret: it cannot be forged, edited, or replayed against another query.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shared.web.problems import BadRequest

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
        return hmac.new(self._secret, payload, hashlib.sha256).digest()[:16]

    def encode(self, query_fingerprint: str, position: Sequence[Any]) -> str:
        payload = orjson.dumps({"q": query_fingerprint, "k": list(position)})
        return f"{_b64(payload)}.{_b64(self._signature(payload))}"

    def decode(self, token: str, query_fingerprint: str) -> list[Any]:
        invalid = BadRequest(
            "The page_token is not one this service issued for this query.", slug="invalid-page-token"
        )
        try:
            payload_text, signature_text = token.split(".", 1)
            payload = _unb64(payload_text)
            signature = _unb64(signature_text)
        except ValueError:
            raise invalid from None
        if not hmac.compare_digest(signature, self._signature(payload)):
            raise invalid
        document = orjson.loads(payload)
        if document.get("q") != query_fingerprint or not isinstance(document.get("k"), list):
            raise invalid
        position: list[Any] = document["k"]
        return position


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
    return PageRequest(page_size, page_token, request.app.state.page_codec)


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
        position = page.codec.decode(page.page_token, fingerprint)
        if len(position) != len(sort_columns):
            raise BadRequest("The page_token does not fit this query.", slug="invalid-page-token")
        key = tuple_(*sort_columns)
        statement = statement.where(key < tuple_(*position) if descending else key > tuple_(*position))
    ordering = [column.desc() if descending else column.asc() for column in sort_columns]
    rows = list((await session.execute(statement.order_by(*ordering).limit(page.page_size + 1))).all())
    if len(rows) <= page.page_size:
        return rows, None
    rows = rows[: page.page_size]
    return rows, page.codec.encode(fingerprint, list(position_of(rows[-1])))
