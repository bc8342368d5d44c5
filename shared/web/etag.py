"""ETags from a resource's version number, and the If-Match rule for updates."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from shared.web.problems import PreconditionFailed, PreconditionRequired


def etag_for(version: int) -> str:
    return f'"v{version}"'


def check_if_match(if_match: str | None, current_version: int) -> None:
    """428 without If-Match, 412 when it names another version than the current one.

    If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak validator never matches.
    """
    check_if_match_etag(if_match, etag_for(current_version))


def check_if_match_etag(if_match: str | None, current: str) -> None:
    """`check_if_match` for a resource whose ETag is not a version number (a household's is
    derived from its members' versions)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Send If-Match with the ETag you last read; updates without it are refused.",
            slug="if-match-required",
        )
    candidates = [value.strip() for value in if_match.split(",")]
    if "*" not in candidates and current not in candidates:
        raise PreconditionFailed(
            f"The resource has changed: its ETag is now {current}.",
            slug="etag-mismatch",
            current_etag=current,
        )


async def update_versioned(
    session: AsyncSession,
    table: Table,
    where: ColumnElement[bool],
    *,
    expected_version: int,
    values: dict[str, Any],
) -> int:
    """UPDATE only if the row is still at `expected_version`; the loser of a race gets 412."""
    version = table.c.version
    result = await session.execute(
        update(table).where(where, version == expected_version).values(**values, version=expected_version + 1)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise PreconditionFailed(
            "The resource was changed by another request at the same time; read it again.",
            slug="etag-mismatch",
        )
    return expected_version + 1
