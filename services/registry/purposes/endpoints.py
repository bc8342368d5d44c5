"""HTTP handler of the purpose codes: a public list, the same data every service decodes with."""

from __future__ import annotations

from fastapi import APIRouter

from shared.auth.dependencies import OptionalPrincipal
from shared.contracts.registry import PurposeCode, PurposeCodeList
from shared.web.planned import PlannedRoute
from shared.web.purpose import REGISTERED_PURPOSES

router = APIRouter(route_class=PlannedRoute, tags=["purposes"])

_LIST = PurposeCodeList(
    items=[
        PurposeCode(
            code=purpose.code,
            name_ja=purpose.name_ja,
            name_en=purpose.name_en,
            legal_basis=purpose.legal_basis,
            legal_basis_verified=purpose.legal_basis_verified,
        )
        for purpose in REGISTERED_PURPOSES.values()
    ]
)


@router.get("/purposes", response_model=PurposeCodeList, summary="List the registered purpose codes")
async def list_purpose_codes(_: OptionalPrincipal) -> PurposeCodeList:
    """The codes `X-Purpose` accepts, each with its legal basis; no token needed."""
    return _LIST
