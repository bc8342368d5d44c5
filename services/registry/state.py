"""The registry's own start-up state, typed: read through the dependency aliases below or
`registry_state_of(app)`, never as loose `app.state` attributes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from services.registry.accesslog.checkpoints import Checkpointer
from services.registry.accesslog.writer import AccessLogWriter
from services.registry.codes.master import CodeMaster
from services.registry.deliveries.secrets import WebhookSecrets
from services.registry.pseudonyms.codec import PseudonymCodec
from services.registry.residents.identity import IdentityCipher


@dataclass(frozen=True, slots=True)
class RegistryState:
    access_log_writer: AccessLogWriter
    checkpointer: Checkpointer
    identity_cipher: IdentityCipher
    code_master: CodeMaster
    pseudonyms: PseudonymCodec
    webhook_secrets: WebhookSecrets


def registry_state_of(app: FastAPI) -> RegistryState:
    state: RegistryState = app.state.registry
    return state


def registry_state(request: Request) -> RegistryState:
    return registry_state_of(request.app)


def access_log_writer(request: Request) -> AccessLogWriter:
    return registry_state_of(request.app).access_log_writer


def checkpointer(request: Request) -> Checkpointer:
    return registry_state_of(request.app).checkpointer


def code_master(request: Request) -> CodeMaster:
    return registry_state_of(request.app).code_master


def pseudonyms(request: Request) -> PseudonymCodec:
    return registry_state_of(request.app).pseudonyms


RegistryStateDep = Annotated[RegistryState, Depends(registry_state)]
AccessLogWriterDep = Annotated[AccessLogWriter, Depends(access_log_writer)]
CheckpointerDep = Annotated[Checkpointer, Depends(checkpointer)]
CodeMasterDep = Annotated[CodeMaster, Depends(code_master)]
PseudonymsDep = Annotated[PseudonymCodec, Depends(pseudonyms)]
