"""FastAPI dependencies: who is calling, and whether their scopes allow it.

The security scheme is declared as OAuth 2.0 client credentials so that OpenAPI-generated
clients know where to get a token and which scopes each operation needs.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import OAuth2, SecurityScopes

from shared.auth.tokens import Principal
from shared.web.problems import Forbidden, Unauthorized
from shared.web.state import state_of

TOKEN_URL = "/oauth/token"

oauth2_scheme = OAuth2(
    flows=OAuthFlows(clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL, scopes={})),
    scheme_name="gateway",
    description="Bearer tokens issued by the gateway with the client-credentials grant.",
    auto_error=False,
)


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


async def _principal_from(request: Request, authorization: str | None) -> Principal | None:
    token = _bearer(authorization)
    if token is None:
        return None
    verifier = state_of(request.app).token_verifier
    principal = await verifier.verify(token)
    request.state.client_id = principal.client_id
    return principal


async def authenticated(
    request: Request,
    security_scopes: SecurityScopes,
    authorization: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    """The caller, who must hold every scope the operation declares with `Security(...)`."""
    principal = await _principal_from(request, authorization)
    if principal is None:
        raise Unauthorized(
            "This operation needs a bearer token from the gateway.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    missing = [scope for scope in security_scopes.scopes if not principal.has(scope)]
    if missing:
        needed = " ".join(security_scopes.scopes)
        raise Forbidden(
            f"The token lacks the scope {' and '.join(missing)}.",
            slug="insufficient-scope",
            headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{needed}"'},
            missing_scopes=missing,
        )
    return principal


async def anonymous_or_authenticated(
    request: Request,
    authorization: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal | None:
    """For what the law makes public: no token is fine, a bad token is still refused."""
    return await _principal_from(request, authorization)


def require_scopes(*scopes: str) -> Principal:
    """`principal: Principal = require_scopes("registry:read")` in a handler's signature."""
    result: Principal = Security(authenticated, scopes=list(scopes))
    return result


OptionalPrincipal = Annotated[Principal | None, Depends(anonymous_or_authenticated)]
