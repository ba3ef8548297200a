"""One demo month for every demo test of the session (see `tests.support.demo_month`), and a
Chromium for the one that signs in to the console over it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.conftest import IN_CI
from tests.support.console import chromium_executable, launch_chromium
from tests.support.demo_month import Demo, make_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = make_demo(tmp_path_factory.mktemp("demo") / "var")
    yield made
    made.db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_executable()
    if executable is None:
        if IN_CI:
            pytest.fail("CI needs Debian's chromium for the console tests")
        pytest.skip("console browser tests skipped: install chromium (apt install chromium)")
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, executable)
        yield launched
        launched.close()
