"""One demo month for every demo test of the session (see `tests.support.demo_month`), the same
month on PostgreSQL for the tests that run on both databases, and a Chromium for the one that
signs in to the console over it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import create_engine, text

from tests.conftest import IN_CI
from tests.support.console import chromium_executable, launch_chromium
from tests.support.demo_month import Demo, make_demo
from tests.support.postgres import Cluster


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    made = make_demo(tmp_path_factory.mktemp("demo") / "var")
    yield made
    made.db.dispose()


@pytest.fixture(scope="session")
def demo_postgres(tmp_path_factory: pytest.TempPathFactory, pg_cluster: Cluster) -> Iterator[Demo]:
    """The same month (the same seed) filled into an empty PostgreSQL database."""
    name = f"cw_demo_{os.getpid()}"
    admin = create_engine(pg_cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    made = make_demo(tmp_path_factory.mktemp("demo-pg") / "var", pg_cluster.url(name))
    yield made
    made.db.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def month(request: pytest.FixtureRequest, demo: Demo) -> Demo:
    """The demo month on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        return demo
    made: Demo = request.getfixturevalue("demo_postgres")
    return made


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
