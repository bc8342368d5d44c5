"""Who may see what: reviewers see every record; an applying system sees only its own."""

from __future__ import annotations

from shared.auth.tokens import Principal
from shared.web.problems import Forbidden

APPLY = "revitalization:apply"
REVIEW = "revitalization:review"
ADMIN = "revitalization:admin"


def require_any(principal: Principal, *scopes: str) -> None:
    if not any(principal.has(scope) for scope in scopes):
        raise Forbidden(
            f"The token needs one of the scopes {' or '.join(scopes)}.",
            slug="insufficient-scope",
            missing_scopes=list(scopes),
        )


def sees(principal: Principal, owner_client_id: str) -> bool:
    return principal.has(REVIEW) or (principal.has(APPLY) and principal.client_id == owner_client_id)
