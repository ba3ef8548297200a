"""The console served for real (uvicorn on a loopback port, on SQLite and PostgreSQL) and a
Chromium tab per test with fresh cookies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Browser

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from tests.support.console import Console, chromium_browser
from tests.support.server import serving


@pytest.fixture
def console_url(settings: Settings, db: Database) -> Iterator[str]:
    """The whole app (API and console) on a real socket, over this test's database."""
    with serving(create_app(settings, db)) as base:
        yield base


@contextmanager
def _tab(browser: Browser, base: str, **options: Any) -> Iterator[Console]:
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield Console(base, page)
    finally:
        context.close()


@pytest.fixture
def console(browser: Browser, console_url: str) -> Iterator[Console]:
    """A tab with fresh cookies, in a German locale and zone (times must follow the viewer)."""
    with _tab(browser, console_url, locale="en-GB", timezone_id="Europe/Berlin") as tab:
        yield tab


@pytest.fixture
def browser_without_scripts(browser: Browser, console_url: str) -> Iterator[Console]:
    """A tab with JavaScript off: the pages must still do their work with plain forms."""
    with _tab(browser, console_url, java_script_enabled=False) as tab:
        yield tab


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with chromium_browser() as launched:
        yield launched
