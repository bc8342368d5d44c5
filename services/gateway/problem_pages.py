"""Where a problem type resolves: `urn:jichi:problem:<slug>` is described at `/problems/<slug>`.

JSON by default, HTML (Japanese first, then English) when the caller prefers text/html, as a
browser does; `/problems` lists the whole catalogue (shared/web/problem_types.toml).
"""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.responses import HTMLResponse, JSONResponse, Response

from shared.web.planned import PlannedRoute
from shared.web.problem_types import PAGES_PREFIX, PROBLEM_TYPES, ProblemType
from shared.web.problems import NotFound

router = APIRouter(route_class=PlannedRoute, tags=["problem-types"])
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class ProblemTypeText(BaseModel):
    title: str
    meaning: str
    action: str


class ProblemTypePage(BaseModel):
    """One catalogue entry: what the type means and what a caller should do, in two languages."""

    type: str
    slug: str
    statuses: list[int]
    headers: list[str]
    embedded: bool
    en: ProblemTypeText
    ja: ProblemTypeText
    page: str


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept.split("text/html")[0]


def _entry_html(problem: ProblemType) -> str:
    statuses = ", ".join(str(status) for status in problem.statuses)
    return (
        f'<section id="{problem.slug}"><h2 lang="ja">{escape(problem.title_ja)}</h2>'
        f"<p><code>urn:jichi:problem:{problem.slug}</code> — HTTP {statuses}</p>"
        f'<dl lang="ja"><dt>意味</dt><dd>{escape(problem.meaning_ja)}</dd>'
        f"<dt>対処</dt><dd>{escape(problem.action_ja)}</dd></dl>"
        f'<h3 lang="en">{escape(problem.title)}</h3>'
        f'<dl lang="en"><dt>Meaning</dt><dd>{escape(problem.meaning)}</dd>'
        f"<dt>What to do</dt><dd>{escape(problem.action)}</dd></dl></section>"
    )


def _html(title: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )


_CONTENT = {"text/html": {"schema": {"type": "string"}}}


@router.get(
    PAGES_PREFIX,
    response_model=list[ProblemTypePage],
    summary="The catalogue of problem types (JSON, or HTML for a browser)",
    responses={200: {"content": _CONTENT}},
)
async def list_problem_types(request: Request) -> Response:
    if _wants_html(request):
        index = "".join(
            f'<li><a href="{problem.slug}">{escape(problem.title_ja)} / {escape(problem.title)}</a></li>'
            for problem in PROBLEM_TYPES.values()
        )
        return _html("jichi の問題種別 / Problem types", f"<ul>{index}</ul>")
    return JSONResponse([problem.as_json() for problem in PROBLEM_TYPES.values()])


@router.get(
    PAGES_PREFIX + "/{slug}",
    response_model=ProblemTypePage,
    summary="What one problem type means and what to do about it (JSON, or HTML for a browser)",
    responses={200: {"content": _CONTENT}},
)
async def get_problem_type(
    request: Request, slug: Annotated[str, Path(pattern=SLUG_PATTERN, max_length=80)]
) -> Response:
    problem = PROBLEM_TYPES.get(slug)
    if problem is None:
        raise NotFound(f"No problem type urn:jichi:problem:{slug} is catalogued.")
    if _wants_html(request):
        return _html(f"{problem.title_ja} / {problem.title}", _entry_html(problem))
    return JSONResponse(problem.as_json())
