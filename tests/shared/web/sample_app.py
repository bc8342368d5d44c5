"""A small service built with the shared plumbing, to test that plumbing on its own."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, String, Table, insert, select
from starlette.responses import Response

from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.db.base import new_metadata
from shared.values import LocalGovernmentCode
from shared.web.etag import check_if_match, update_versioned
from shared.web.idempotency import WriteDep, idempotency_table
from shared.web.openapi import Operation, Operations
from shared.web.pagination import Page, PageParams, keyset_page, query_fingerprint
from shared.web.problems import NotFound
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

metadata = new_metadata()
idempotency_keys = idempotency_table(metadata)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("municipality", String(6), nullable=False),
    Column("body", String(200), nullable=False),
    Column("version", Integer, nullable=False),
)


class NoteIn(BaseModel):
    municipality: LocalGovernmentCode
    body: str = Field(min_length=1, max_length=200)


class Note(NoteIn):
    id: int
    version: int


router = APIRouter()


@router.post("/notes", status_code=201, response_model=Note)
async def create_note(
    note: NoteIn, write: WriteDep, _: Principal = require_scopes("sample:write")
) -> Response:
    note_id = await write.session.scalar(
        insert(notes).values(**note.model_dump(), version=1).returning(notes.c.id)
    )
    assert note_id is not None
    created = Note(id=note_id, version=1, **note.model_dump())
    return write.respond(created, version=created.version)


@router.get("/notes", response_model=Page[Note])
async def list_notes(
    session: SessionDep,
    page: PageParams,
    _: OptionalPrincipal,
    municipality: Annotated[LocalGovernmentCode | None, Query()] = None,
) -> Page[Note]:
    statement = select(notes)
    if municipality is not None:
        statement = statement.where(notes.c.municipality == municipality)
    rows, token = await keyset_page(
        session,
        statement,
        sort_columns=[notes.c.id],
        page=page,
        fingerprint=query_fingerprint("list_notes", municipality=municipality),
        position_of=lambda row: [row.id],
    )
    return Page[Note](items=[Note.model_validate(row._mapping) for row in rows], next_page_token=token)


@router.get("/notes/{note_id}", response_model=Note)
async def get_note(
    note_id: int, session: SessionDep, _: Principal = require_scopes("sample:read")
) -> Response:
    row = (await session.execute(select(notes).where(notes.c.id == note_id))).one_or_none()
    if row is None:
        raise NotFound(f"No note {note_id}.")
    return json_response(Note.model_validate(row._mapping), version=row.version)


@router.put("/notes/{note_id}", response_model=Note)
async def replace_note(
    note_id: int,
    note: NoteIn,
    session: SessionDep,
    if_match: Annotated[str | None, Header()] = None,
    _: Principal = require_scopes("sample:write"),
) -> Response:
    row = (await session.execute(select(notes).where(notes.c.id == note_id))).one_or_none()
    if row is None:
        raise NotFound(f"No note {note_id}.")
    check_if_match(if_match, row.version)
    version = await update_versioned(
        session, notes, notes.c.id == note_id, expected_version=row.version, values=note.model_dump()
    )
    updated = Note(id=note_id, version=version, **note.model_dump())
    return json_response(updated, version=version)


@router.post("/crash/{resident_code}")
async def crash(resident_code: str, _: Principal = require_scopes("sample:write")) -> None:
    raise RuntimeError(f"secret internals that must never reach the caller: {resident_code}")


# The sample's operations as a service declares them (services/<name>/operations.py).
OPERATIONS: Operations = {
    ("POST", "/sample/v1/notes"): Operation("sample_create_note"),
    ("GET", "/sample/v1/notes"): Operation("sample_list_notes"),
    ("GET", "/sample/v1/notes/{note_id}"): Operation("sample_get_note", problems=("not-found",)),
    ("PUT", "/sample/v1/notes/{note_id}"): Operation(
        "sample_replace_note", problems=("not-found", "if-match-required")
    ),
    ("POST", "/sample/v1/crash/{resident_code}"): Operation("sample_crash"),
}
