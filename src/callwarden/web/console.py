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
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callwarden.kit.errors import CallwardenError, NotFound
from callwarden.web import pages
from callwarden.web.nav import NavEntry
from callwarden.web.routing import SECURITY_HEADERS, error_page
from callwarden.web.templating import STATIC_URL

STATIC = Path(__file__).parent / "static"
# What is not the console: the API, its documentation (which sets its own headers) and health.
NOT_CONSOLE = ("/v1/", "/openapi", "/docs", "/redoc", "/static/docs", "/healthz")


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
    app.add_middleware(ConsoleHeaders)


def is_console_path(path: str) -> bool:
    return not path.startswith(NOT_CONSOLE)


class ConsoleHeaders:
    """The console's security headers on every answer under its paths, not only its pages':
    the "nothing here" page, a 405, the 413 of the body limit, the static files. Added
    outermost, so an answer from any layer below gets them; a header already set is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_console_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


def _wants_a_page(request: Request) -> bool:
    """A browser asking for a page, not a client of the API or a static file."""
    path = request.url.path
    page = is_console_path(path) and not path.startswith("/static/")
    return page and "text/html" in request.headers.get("accept", "")


class RequestRefused(CallwardenError):
    """What the framework refuses before a page runs (a method the address does not take, a
    form it cannot read), as a page with the framework's status."""

    code, title = "request_refused", "Request refused"

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


def _answer_browsers_in_html(app: FastAPI) -> None:
    """An address nothing serves reads, in a browser, as the console's "nothing here" page, and
    any other refusal of the framework as a page too; the API's clients keep problem+json."""
    api_answer = app.exception_handlers[HTTPException]

    async def not_found(request: Request, error: Exception) -> Response:
        if isinstance(error, HTTPException) and _wants_a_page(request):
            if error.status_code == 404:
                return error_page(request, NotFound("nothing here"))
            page = error_page(request, RequestRefused(error.status_code, str(error.detail)))
            page.headers.update(error.headers or {})  # e.g. a 405's Allow
            return page
        answer = api_answer(request, error)
        return await answer if inspect.isawaitable(answer) else answer

    app.add_exception_handler(HTTPException, not_found)
