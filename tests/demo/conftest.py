"""One demo month for every demo test of the session (see `tests.support.demo_month`), the same
month on PostgreSQL for the tests that run on both databases, and a Chromium for the one that
signs in to the console over it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from sqlalchemy import create_engine, text

from tests.support.console import chromium_browser
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Chromium for the demo's browser test only: closed with its module, before tests that run
    an event loop of their own (see `chromium_browser`)."""
    with chromium_browser() as launched:
        yield launched
