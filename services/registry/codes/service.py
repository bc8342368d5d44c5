"""The code master's operations: look up, list, follow successors, record a dated change."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.registry.codes import repository, rules
from services.registry.codes.master import documents_of
from shared.contracts.registry import CodeChangeRequest
from shared.values import to_rfc3339, utc_now
from shared.web.pagination import PageRequest, keyset_page, query_fingerprint
from shared.web.problems import Conflict, UnprocessableContent

RESIDENCE_KINDS = frozenset({"municipality", "special_ward", "designated_city_ward"})
"""Kinds a resident can be registered in (designated cities register their residents in wards)."""


async def documents(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    links = await repository.links_of(session, [row.code for row in rows])
    return documents_of([row._mapping for row in rows], [link._mapping for link in links])


async def code_page(
    session: AsyncSession, page: PageRequest, *, prefecture: str | None, kind: str | None, as_of: date | None
) -> dict[str, Any]:
    rows, token = await keyset_page(
        session,
        repository.list_statement(prefecture=prefecture, kind=kind, as_of=as_of),
        sort_columns=[repository.codes.c.code],
        page=page,
        fingerprint=query_fingerprint(
            "list_local_government_codes", as_of=as_of, prefecture=prefecture, kind=kind
        ),
        position_of=lambda row: [row.code],
    )
    return {"items": await documents(session, rows), "next_page_token": token}


async def change_page(session: AsyncSession, page: PageRequest) -> dict[str, Any]:
    rows, token = await keyset_page(
        session,
        repository.changes_statement(),
        sort_columns=[repository.changes.c.change_id],
        page=page,
        fingerprint=query_fingerprint("list_code_changes"),
        position_of=lambda row: [row.change_id],
    )
    return {"items": await change_documents(session, rows), "next_page_token": token}


async def record_change(session: AsyncSession, request: CodeChangeRequest) -> dict[str, Any]:
    named = set(request.retired_codes) | {item.code for item in request.new_codes}
    named |= {succession.successor_code for succession in request.successions}
    named |= {rules.prefecture_code(item.code) for item in request.new_codes}
    existing = await repository.get_many(session, named)
    rules.check_change(request, {code: row._mapping for code, row in existing.items()})
    recorded_at = utc_now()
    change_id = await repository.insert_change(
        session,
        repository.change_values(
            recorded_at=recorded_at,
            effective_date=request.effective_date,
            kind=request.kind.value,
            description=request.description,
            retired_codes=list(request.retired_codes),
            new_codes=[item.code for item in request.new_codes],
        ),
    )
    if await repository.retire(session, request.retired_codes, on=request.effective_date) != len(
        request.retired_codes
    ):
        raise Conflict(
            "Another change retired one of these codes at the same time.", slug="code-not-in-force"
        )
    prefectures = await repository.get_many(
        session, {rules.prefecture_code(item.code) for item in request.new_codes}
    )
    new_rows = [
        {
            "code": item.code,
            "prefecture": prefectures[rules.prefecture_code(item.code)].prefecture,
            "prefecture_kana": prefectures[rules.prefecture_code(item.code)].prefecture_kana,
            "name": item.name,
            "name_kana": item.name_kana,
            "kind": item.kind.value,
            "from_date": request.effective_date,
            "to_date": None,
        }
        for item in request.new_codes
    ]
    try:
        await repository.insert_codes(session, new_rows)
    except IntegrityError:
        raise Conflict(
            "Another change issued one of these codes at the same time.", slug="code-already-issued"
        ) from None
    await repository.insert_successions(
        session,
        [
            {"code": succession.code, "successor_code": succession.successor_code, "change_id": change_id}
            for succession in request.successions
        ],
    )
    return change_document(
        {
            "change_id": change_id,
            "effective_date": request.effective_date,
            "kind": request.kind.value,
            "description": request.description,
            "retired_codes": list(request.retired_codes),
            "new_codes": [item.code for item in request.new_codes],
            "recorded_at": recorded_at,
        },
        [{"code": s.code, "successor_code": s.successor_code} for s in request.successions],
    )


def change_document(change: Mapping[Any, Any], links: Sequence[Mapping[Any, Any]]) -> dict[str, Any]:
    return {
        "change_id": change["change_id"],
        "effective_date": change["effective_date"].isoformat(),
        "kind": change["kind"],
        "description": change["description"],
        "retired_codes": list(change["retired_codes"]),
        "new_codes": list(change["new_codes"]),
        "successions": [{"code": link["code"], "successor_code": link["successor_code"]} for link in links],
        "recorded_at": to_rfc3339(change["recorded_at"]),
    }


async def change_documents(session: AsyncSession, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
    links = await repository.successions_of_changes(session, [row.change_id for row in rows])
    by_change: dict[int, list[Mapping[Any, Any]]] = defaultdict(list)
    for link in links:
        by_change[link.change_id].append(link._mapping)
    return [change_document(row._mapping, by_change[row.change_id]) for row in rows]


async def require_residence_code(session: AsyncSession, code: str, *, on: date) -> None:
    """A resident's address must be in a municipality or ward in force on the event's date."""
    row = await repository.get(session, code)
    if row is None:
        raise UnprocessableContent(f"{code} is not in the code master.", slug="unknown-local-government-code")
    if not rules.in_force(row._mapping, on):
        raise UnprocessableContent(f"{code} is not in force on {on.isoformat()}.", slug="code-not-in-force")
    if row.kind not in RESIDENCE_KINDS:
        raise UnprocessableContent(
            f"{code} is a {row.kind}; residents are registered in a municipality or a ward.",
            slug="not-a-residence-municipality",
        )


async def require_known(session: AsyncSession, code: str) -> None:
    if await repository.get(session, code) is None:
        raise UnprocessableContent(f"{code} is not in the code master.", slug="unknown-local-government-code")
