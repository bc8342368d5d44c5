"""RFC 9457 problem details: one exception family, one renderer, handlers for everything a caller can send."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shared.db.errors import is_database_unavailable
from shared.web.context import current_request_id
from shared.web.text_input import UnencodableText

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:jichi:problem:"
# A database restart or failover is over in seconds; a pool's connections are renewed by then.
DATABASE_RETRY_AFTER_SECONDS = 5


class FieldError(BaseModel):
    """One offending input: where it is (JSON pointer into its location) and what is wrong."""

    location: str = Field(description="body, query, path, header or cookie")
    pointer: str = Field(description="RFC 6901 JSON pointer into that location", examples=["/name"])
    detail: str
    type: str = Field(description="stable machine-readable error code")


class ProblemDetails(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description="`urn:jichi:problem:<slug>`: what it means and what to do is at the gateway's "
        "`/problems/<slug>` (JSON, or HTML in Japanese and English).",
        examples=["urn:jichi:problem:not-found"],
    )
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


class Problem(Exception):  # noqa: N818 - it is the problem, not an error about one
    """Raise to answer with a problem document; subclasses fix the status and type."""

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "internal-error"
    title: ClassVar[str] = "Internal error"

    def __init__(
        self,
        detail: str | None = None,
        *,
        slug: str | None = None,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.problem_slug = slug or self.slug
        self.problem_title = title or self.title
        self.headers = dict(headers or {})
        self.extensions = extensions


class BadRequest(Problem):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Forbidden"


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflict"


class PreconditionFailed(Problem):
    status, slug, title = 412, "precondition-failed", "Precondition failed"


class ContentTooLarge(Problem):
    status, slug, title = 413, "content-too-large", "Content too large"


class UnsupportedMediaType(Problem):
    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


class UnprocessableContent(Problem):
    status, slug, title = 422, "unprocessable-content", "Unprocessable content"


class PreconditionRequired(Problem):
    status, slug, title = 428, "precondition-required", "Precondition required"


class TooManyRequests(Problem):
    status, slug, title = 429, "too-many-requests", "Too many requests"


class BadGateway(Problem):
    status, slug, title = 502, "bad-gateway", "Upstream unavailable"


class ServiceUnavailable(Problem):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


class GatewayTimeout(Problem):
    status, slug, title = 504, "gateway-timeout", "Upstream timed out"


_STATUS_CLASSES: dict[int, type[Problem]] = {
    cls.status: cls
    for cls in (
        BadRequest,
        Unauthorized,
        Forbidden,
        NotFound,
        MethodNotAllowed,
        Conflict,
        PreconditionFailed,
        ContentTooLarge,
        UnsupportedMediaType,
        UnprocessableContent,
        PreconditionRequired,
        TooManyRequests,
        BadGateway,
        ServiceUnavailable,
        GatewayTimeout,
    )
}


def problem_document(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str | None,
    instance: str | None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": TYPE_PREFIX + slug,
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": instance,
        "request_id": current_request_id() or None,
    }
    if extensions:
        document.update(extensions)
    return document


def problem_response(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str | None = None,
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    body = orjson.dumps(
        problem_document(
            status=status, slug=slug, title=title, detail=detail, instance=instance, extensions=extensions
        )
    )
    return Response(body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_MEDIA_TYPE)


def render_problem(problem: Problem, instance: str | None) -> Response:
    return problem_response(
        status=problem.status,
        slug=problem.problem_slug,
        title=problem.problem_title,
        detail=problem.detail,
        instance=instance,
        headers=problem.headers,
        extensions=problem.extensions,
    )


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic errors as field errors; the rejected value itself is never echoed back."""
    result = []
    for error in errors:
        location, *path = error.get("loc", ("body",)) or ("body",)
        pointer = "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in path)
        result.append(
            {
                "location": str(location),
                "pointer": pointer if path else "",
                "detail": str(error.get("msg", "invalid value")),
                "type": str(error.get("type", "value_error")),
            }
        )
    return result


async def _on_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Problem)
    return render_problem(exc, request.url.path)


async def _on_validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return _malformed_json(request.url.path)
    return validation_failed_response(field_errors(errors), request.url.path)


def _malformed_json(instance: str) -> Response:
    return problem_response(
        status=400,
        slug="malformed-json",
        title="Malformed JSON",
        detail="The request body is not valid JSON.",
        instance=instance,
    )


def _is_json(content_type: str | None) -> bool:
    """As FastAPI decides to parse a body as JSON: no content type, or application/json or +json."""
    if not content_type:
        return True
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def validation_failed_response(fields: list[dict[str, str]], instance: str) -> Response:
    summary = "; ".join(f"{f['location']}{f['pointer']}: {f['detail']}" for f in fields[:5])
    return problem_response(
        status=422,
        slug="validation-failed",
        title="Validation failed",
        detail=summary or "The request is not valid.",
        instance=instance,
        extensions={"errors": fields},
    )


async def _on_http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, UnencodableText):
        return validation_failed_response([exc.field_error], request.url.path)
    if isinstance(exc.__cause__, UnicodeDecodeError) and _is_json(request.headers.get("content-type")):
        # FastAPI reports a JSON body that is not UTF-8 (RFC 8259 §8.1) as a bare "error parsing
        # the body"; to the caller it is as malformed as one that does not parse.
        return _malformed_json(request.url.path)
    cls = _STATUS_CLASSES.get(exc.status_code)
    slug = cls.slug if cls else f"http-{exc.status_code}"
    title = cls.title if cls else "HTTP error"
    detail = exc.detail if isinstance(exc.detail, str) else None
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No resource at {request.url.path}."
    if exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(
        status=exc.status_code,
        slug=slug,
        title=title,
        detail=detail,
        instance=request.url.path,
        headers=exc.headers,
    )


_INTERNAL_ERROR = Problem("The request could not be completed; it has been logged with its request id.")
_DATABASE_UNAVAILABLE = ServiceUnavailable(
    "The service's database cannot be reached just now; retry after the given delay.",
    slug="database-unavailable",
    headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
)


def unexpected_error_response(error: BaseException, path: str) -> Response:
    """503 with Retry-After when the database could not answer, else 500: never the error's text."""
    return render_problem(_DATABASE_UNAVAILABLE if is_database_unavailable(error) else _INTERNAL_ERROR, path)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    # Starlette's outermost error layer answers with this, then raises the error on to the
    # request context, which logs it.
    return unexpected_error_response(exc, request.url.path)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Exception, _on_unexpected)
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)


PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
