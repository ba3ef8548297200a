"""Mounting the console on the app: its static files and every page module in `web/pages/`.

Adding a page is adding a template and a module in `pages/` with a `router` (from
`routing.page_router()`) and, if it belongs in the navigation bar, a `NAV` entry: the modules
are found here, so no list elsewhere needs the new page's name.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.responses import Response

from callwarden.kit.errors import NotFound
from callwarden.web import pages
from callwarden.web.nav import NavEntry
from callwarden.web.routing import error_page
from callwarden.web.templating import STATIC_URL

STATIC = Path(__file__).parent / "static"


def page_modules() -> list[ModuleType]:
    """Every module of `web/pages/`, in name order."""
    return [
        importlib.import_module(f"{pages.__name__}.{found.name}")
        for found in sorted(pkgutil.iter_modules(pages.__path__), key=lambda found: found.name)
    ]


def install_console(app: FastAPI) -> None:
    """The pages, their navigation, and the vendored htmx, styles and script."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC), name="console-assets")
    entries: list[NavEntry] = []
    for module in page_modules():
        app.include_router(module.router)
        entry = getattr(module, "NAV", None)
        if entry is not None:
            entries.append(entry)
    app.state.console_nav = entries
    _answer_browsers_in_html(app)


def _wants_a_page(request: Request) -> bool:
    """A browser asking for a page, not a client of the API or a static file."""
    path = request.url.path
    api = path.startswith(("/v1/", "/static/", "/openapi", "/docs", "/redoc", "/healthz"))
    return not api and "text/html" in request.headers.get("accept", "")


def _answer_browsers_in_html(app: FastAPI) -> None:
    """An address nothing serves reads, in a browser, as the console's "nothing here" page;
    the API's clients keep their problem+json."""
    api_answer = app.exception_handlers[HTTPException]

    async def not_found(request: Request, error: Exception) -> Response:
        if isinstance(error, HTTPException) and error.status_code == 404 and _wants_a_page(request):
            return error_page(request, NotFound("nothing here"))
        answer = api_answer(request, error)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(HTTPException, not_found)
