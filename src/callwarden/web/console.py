"""Mounting the console on the app: its static files and every page module in `web/pages/`.

Adding a page is adding a template and a module in `pages/` with a `router` (from
`routing.page_router()`) and, if it belongs in the navigation bar, a `NAV` entry: the modules
are found here, so no list elsewhere needs the new page's name.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from callwarden.web import pages
from callwarden.web.nav import NavEntry
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
