"""HTTP handlers of the access log: the resident's disclosure, other services' reads, and what
auditors, monitors and anchoring systems read (checkpoints, proofs, leaf hashes, public keys)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from services.registry.accesslog import checkpoints, service, tree
from services.registry.accesslog.purpose import provision_for
from services.registry.state import CheckpointerDep
from shared.auth.dependencies import OptionalPrincipal, require_scopes
from shared.auth.tokens import Principal
from shared.contracts.registry import (
    AccessLogEntriesIn,
    AccessRecordPage,
    Checkpoint,
    CheckpointPage,
    ConsistencyProof,
    LeafHashes,
    LoggedEntries,
    LogKeys,
)
from shared.values import ResidentCode
from shared.web.idempotency import WriteDep
from shared.web.pagination import PageParams
from shared.web.planned import PlannedRoute
from shared.web.purpose import PurposeHeader
from shared.web.responses import json_response
from shared.web.sessions import SessionDep

router = APIRouter(route_class=PlannedRoute, tags=["access log"])

TreeSize = Annotated[int, Query(ge=1, le=2**62, description="A number of entries (leaves).")]


@router.get(
    "/residents/{resident_code}/access-records",
    response_model=AccessRecordPage,
    summary="Who received this resident's data, when, why, and which items (disclosure)",
    description="For a resident's own request, made through a municipality system holding "
    "registry:disclosure. Each record carries its inclusion proof against the page's signed "
    "checkpoint (none yet for records newer than the latest checkpoint).",
)
async def list_access_records(
    resident_code: ResidentCode,
    session: SessionDep,
    page: PageParams,
    purpose: PurposeHeader = None,
    principal: Principal = require_scopes("registry:disclosure"),
) -> Response:
    provision_for(principal, purpose)
    return json_response(await service.disclosure(session, resident_code=resident_code, page=page))


@router.post(
    "/access-log/entries",
    status_code=201,
    response_model=LoggedEntries,
    summary="Log reads of residents' data that another service serves (before it serves them)",
    description="For service clients holding registry:log: the service logs each resident it is about "
    "to provide, to whom and why, and serves the read only after this answered 201.",
)
async def record_access_log_entries(
    body: AccessLogEntriesIn, write: WriteDep, principal: Principal = require_scopes("registry:log")
) -> Response:
    logged = await service.record_reads_of_service(write.session, principal=principal, reads=body)
    return write.respond({"logged": logged}, status_code=201)


@router.post(
    "/access-log/checkpoints",
    response_model=Checkpoint,
    status_code=201,
    summary="Sign a checkpoint of the log now (the latest one if nothing was appended since)",
    responses={
        200: {"model": Checkpoint, "description": "Nothing was appended since: the latest checkpoint."}
    },
)
async def create_access_log_checkpoint(
    checkpointer: CheckpointerDep, session: SessionDep, _: Principal = require_scopes("registry:audit")
) -> Response:
    try:
        signed = await checkpointer.checkpoint()
    except tree.TreeIncompleteError as error:
        raise checkpoints.tree_incomplete() from error
    if signed is not None:
        return json_response(checkpoints.document(signed), status_code=201)
    return json_response(await service.latest_checkpoint(session))


@router.get(
    "/access-log/checkpoints",
    response_model=CheckpointPage,
    summary="Signed checkpoints, oldest first (poll with after_size to anchor them elsewhere)",
)
async def list_access_log_checkpoints(
    session: SessionDep,
    page: PageParams,
    after_size: Annotated[int, Query(ge=0, le=2**62, description="Only checkpoints of more entries.")] = 0,
    _: Principal = require_scopes("registry:audit"),
) -> Response:
    return json_response(await service.checkpoint_page(session, after_size=after_size, page=page))


@router.get(
    "/access-log/checkpoints/latest", response_model=Checkpoint, summary="The latest signed checkpoint"
)
async def get_latest_access_log_checkpoint(
    session: SessionDep, _: Principal = require_scopes("registry:audit")
) -> Response:
    return json_response(await service.latest_checkpoint(session))


@router.get(
    "/access-log/consistency",
    response_model=ConsistencyProof,
    summary="Proof that the tree of `second` entries extends the tree of `first` (RFC 9162 2.1.4)",
)
async def get_access_log_consistency(
    session: SessionDep, first: TreeSize, second: TreeSize, _: Principal = require_scopes("registry:audit")
) -> Response:
    return json_response(await service.consistency(session, first=first, second=second))


@router.get(
    "/access-log/leaves",
    response_model=LeafHashes,
    summary="Leaf hashes of entries [start, end), for a monitor recomputing a checkpoint's root",
)
async def list_access_log_leaves(
    session: SessionDep,
    start: Annotated[int, Query(ge=0, le=2**62)],
    end: Annotated[int, Query(ge=1, le=2**62)],
    _: Principal = require_scopes("registry:audit"),
) -> Response:
    return json_response(await service.leaf_hashes(session, start=start, end=end))


@router.get(
    "/access-log/keys",
    response_model=LogKeys,
    summary="The public keys that sign the log's checkpoints",
    description="Public, like the gateway's JWKS: a verifier needs nothing else to check a checkpoint.",
)
async def list_access_log_keys(session: SessionDep, _: OptionalPrincipal) -> Response:
    return json_response(await service.public_keys(session))
