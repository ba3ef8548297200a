"""The API's front door: `/` says where things are; `/docs` and `/redoc` work offline.

The documentation pages load Swagger UI and Redoc from the vendored copies in `static/docs/`
(see its README for versions and licences), never from a CDN. `/` answers a small index; the
console lives at `/home`, where a browser asking for `/` is sent.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

ASSETS = Path(__file__).parent / "static" / "docs"
ASSETS_URL = "/static/docs"


class Index(BaseModel):
    """Where to start: the service, its version, and the addresses a newcomer needs."""

    service: str
    version: str
    description: str
    links: dict[str, str]


def install_docs(app: FastAPI) -> None:
    """Mount the vendored assets and the `/`, `/docs` and `/redoc` pages (FastAPI's are off)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get(
        "/",
        response_model=Index,
        tags=["service"],
        responses={303: {"description": "A browser (Accept: text/html) goes to the console."}},
    )
    def index(request: Request) -> Index | RedirectResponse:
        """What this server is, and links to the API documentation and health; a browser
        asking for HTML is sent to the console's home page instead."""
        if "text/html" in request.headers.get("accept", ""):
            return RedirectResponse("/home", status_code=303)
        return Index(
            service=app.title,
            version=app.version,
            description=app.description,
            links={
                "docs": "/docs",
                "redoc": "/redoc",
                "openapi": openapi_url,
                "health": "/healthz",
                "console": "/home",
            },
        )

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_URL}/swagger-ui/favicon-32x32.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} API",
            redoc_js_url=f"{ASSETS_URL}/redoc/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS_URL}/swagger-ui/favicon-32x32.png",
            with_google_fonts=False,
        )
