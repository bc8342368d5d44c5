"""The interactive API docs page, served from packaged assets: nothing is fetched from a CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).parent / "static"


def mount_docs(app: FastAPI, *, docs_path: str, openapi_url: str, title: str) -> None:
    static_path = f"{docs_path}/static"
    app.mount(static_path, StaticFiles(directory=ASSETS), name=f"{docs_path}-static")

    async def docs_page() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} — API",
            swagger_js_url=f"{static_path}/swagger-ui-bundle.js",
            swagger_css_url=f"{static_path}/swagger-ui.css",
            swagger_favicon_url=f"{static_path}/favicon.png",
        )

    app.add_api_route(docs_path, docs_page, methods=["GET"], include_in_schema=False)
