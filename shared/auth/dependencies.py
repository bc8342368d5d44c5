"""FastAPI dependencies: who is calling, and whether their scopes allow it.

The security scheme is declared as OAuth 2.0 client credentials so that OpenAPI-generated
clients know where to get a token and which scopes each operation needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from shared.auth.tokens import Principal
from shared.web.problems import Forbidden, Unauthorized
from shared.web.state import state_of

TOKEN_URL = "/oauth/token"


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Send the token as 'Authorization: Bearer <token>'.",
            slug="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_request"'},
        )
    return token.strip()


_RESOLVED = "principal"
"""Where the request's state keeps its verified caller (None: no token sent)."""


async def caller_of(request: Request) -> Principal | None:
    """The verified caller, or None without a token; verified once per request, however many
    dependencies (with whatever scopes) ask for it."""
    state = request.scope.setdefault("state", {})
    if _RESOLVED in state:
        resolved: Principal | None = state[_RESOLVED]
        return resolved
    token = _bearer(request.headers.get("authorization"))
    principal = None
    if token is not None:
        principal = await state_of(request.app).token_verifier.verify(token)
        state["client_id"] = principal.client_id
    state[_RESOLVED] = principal
    return principal


def with_scopes(principal: Principal | None, scopes: Sequence[str]) -> Principal:
    """The caller, who must have sent a token holding every scope in `scopes`."""
    if principal is None:
        raise Unauthorized(
            "This operation needs a bearer token from the gateway.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    missing = [scope for scope in scopes if not principal.has(scope)]
    if missing:
        needed = " ".join(scopes)
        raise Forbidden(
            f"The token lacks the scope {' and '.join(missing)}.",
            slug="insufficient-scope",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
            missing_scopes=missing,
        )
    return principal


class _GatewayBearer(OAuth2):
    """The gateway's bearer token as one dependency: it declares the security scheme in the
    OpenAPI document (OAuth 2.0 client credentials, with each operation's scopes) and verifies
    the caller. One dependency rather than a check depending on the scheme: FastAPI solves
    every dependency of every request anew."""

    def __init__(self, *, required: bool) -> None:
        super().__init__(
            flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL, scopes={})),
            scheme_name="gateway",
            description="Bearer tokens issued by the gateway with the client-credentials grant.",
            auto_error=False,
        )
        self.required = required

    async def __call__(  # type: ignore[override]
        self, request: Request, security_scopes: SecurityScopes
    ) -> Principal | None:
        principal = await caller_of(request)
        if self.required:
            return with_scopes(principal, security_scopes.scopes)
        return principal


authenticated = _GatewayBearer(required=True)
"""The caller, who must hold every scope the operation declares with `Security(...)`."""

anonymous_or_authenticated = _GatewayBearer(required=False)
"""For what the law makes public: no token is fine, a bad token is still refused."""


def require_scopes(*scopes: str) -> Principal:
    """`principal: Principal = require_scopes("registry:read")` in a handler's signature."""
    result: Principal = Security(authenticated, scopes=list(scopes))
    return result


OptionalPrincipal = Annotated[Principal | None, Depends(anonymous_or_authenticated)]
