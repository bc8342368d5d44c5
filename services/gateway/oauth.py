"""`POST /oauth/token` (client-credentials grant, RFC 6749 §4.4) and `GET /.well-known/jwks.json`."""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any
from urllib.parse import unquote_plus

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.datastructures import FormData
from starlette.responses import JSONResponse, Response

from services.gateway import clients
from services.gateway.state import gateway_state
from shared.web.planned import PlannedRoute

router = APIRouter(route_class=PlannedRoute, tags=["oauth"])

_TOKEN_FORM_SCHEMA = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string", "description": "Or send id and secret with HTTP Basic."},
        "client_secret": {"type": "string"},
        "scope": {"type": "string", "description": "Space-separated subset of the client's scopes."},
    },
}


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = Field(examples=["Bearer"])
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str


class OAuthError(BaseModel):
    """An RFC 6749 §5.2 error, which is also an RFC 9457 problem document."""

    error: str
    error_description: str
    type: str
    title: str
    status: int
    detail: str


def _oauth_error(
    status: int, error: str, description: str, *, basic: bool = False, retry_after: float | None = None
) -> Response:
    headers = {"Cache-Control": "no-store", "Pragma": "no-cache"}
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="jichi", charset="UTF-8"' if basic else "Bearer"
    body = {
        "error": error,
        "error_description": description,
        "type": f"urn:jichi:problem:oauth-{error.replace('_', '-')}",
        "title": "Token request refused",
        "status": status,
        "detail": description,
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ("", "")
    client_id, _, secret = decoded.partition(":")
    return unquote_plus(client_id), unquote_plus(secret)


async def _form(request: Request) -> FormData | None:
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return None
    return await request.form(max_files=0, max_fields=20)


@router.post(
    "/oauth/token",
    response_model=TokenResponse,
    summary="Issue an access token (client-credentials grant)",
    responses={
        400: {"model": OAuthError},
        401: {"model": OAuthError},
        429: {
            "model": OAuthError,
            "description": "Too many attempts from this address or for this client id, or a lockout "
            "after repeated failures; `error` is `slow_down`.",
            "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
        },
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": _TOKEN_FORM_SCHEMA}},
        }
    },
)
async def issue_token(request: Request) -> Response:
    form = await _form(request)
    if form is None:
        return _oauth_error(400, "invalid_request", "Send the form as application/x-www-form-urlencoded.")
    fields: dict[str, Any] = {key: value for key, value in form.items() if isinstance(value, str)}
    basic = _basic_credentials(request.headers.get("authorization"))
    if basic is not None and "client_secret" in fields:
        return _oauth_error(400, "invalid_request", "Use one client authentication method, not two.")
    grant_type = fields.get("grant_type")
    if not grant_type:
        return _oauth_error(400, "invalid_request", "grant_type is required.")
    if grant_type != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported.")
    client_id, client_secret = basic or (fields.get("client_id", ""), fields.get("client_secret", ""))
    if not client_id or not client_secret:
        return _oauth_error(401, "invalid_client", "Client authentication failed.", basic=basic is not None)
    state = gateway_state(request.app)
    guard = state.token_guard
    address = state.client_addresses.resolve(
        request.client.host if request.client else "unknown",
        [value.encode("latin-1") for value in request.headers.getlist("x-forwarded-for")],
    )
    refusal = await guard.refusal(client_id, address)
    if refusal is not None:
        return _oauth_error(
            429, "slow_down", f"Token request refused: {refusal.reason}.", retry_after=refusal.retry_after
        )
    database = state.database
    async with guard.verifying(), database.sessionmaker() as session:
        client = await clients.authenticate(session, client_id, client_secret)
    await guard.record(client_id, address, succeeded=client is not None)
    if client is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed.", basic=basic is not None)
    requested = set(fields["scope"].split()) if fields.get("scope") else set(client.scopes)
    if not requested <= client.scopes:
        return _oauth_error(400, "invalid_scope", "The requested scope exceeds the client's scopes.")
    if not requested:
        return _oauth_error(400, "invalid_scope", "The client has no scopes.")
    keyring = state.keyring
    settings = state.settings
    token = await keyring.sign(
        client_id=client.client_id,
        scopes=requested,
        issuer=settings.issuer,
        rate=client.rate_limit_per_second,
        pseudonym_domain=client.pseudonym_domain,
    )
    body = TokenResponse(
        access_token=token,
        token_type="Bearer",  # noqa: S106 - the RFC 6750 token type, not a secret
        expires_in=keyring.token_ttl,
        scope=" ".join(sorted(requested)),
    )
    return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/.well-known/jwks.json", summary="The public keys that verify the gateway's tokens")
async def jwks(request: Request) -> dict[str, Any]:
    keyring = gateway_state(request.app).keyring
    return await keyring.jwks()
