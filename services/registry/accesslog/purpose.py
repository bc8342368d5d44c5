"""Who is reading personal data from the registry, and why (the purpose header: `shared.web.purpose`)."""

from __future__ import annotations

from services.registry.accesslog.entries import Provision
from shared.auth.tokens import Principal
from shared.web.context import current_request_id
from shared.web.purpose import decode_purpose


def provision_for(principal: Principal, purpose_header: str | None) -> Provision:
    return Provision(
        client_id=principal.client_id,
        purpose=decode_purpose(purpose_header),
        request_id=current_request_id() or "-",
    )
