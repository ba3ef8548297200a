"""schemathesis with every check against a real server: never a 500, and the API does what its
OpenAPI document says.

The run is bounded (a fixed number of examples per operation), seeded and deterministic, covers
every operation, and runs twice: as an administrator (every route) and as an integration (the
routes a phone system calls, which write calls, events and recordings). The server's own log is
watched too: an error it logged is a failure even when the client saw a clean answer.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from callwarden.vault.keyring import Keyring
from tests.support.factories import make_token
from tests.support.policies import EXAMPLE_TEXT
from tests.support.server import serving

SEED = 20261201
EXAMPLES = int(os.environ.get("CALLWARDEN_SCHEMATHESIS_EXAMPLES", "12"))
INTEGRATION_TAGS = ("calls", "decisions", "recordings", "policy")


class ErrorLog(logging.Handler):
    """Keeps every ERROR the server logs (unhandled exceptions, uvicorn's ASGI errors)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server(settings: Settings, db: Database) -> Iterator[str]:
    settings.keyring_path.parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        with serving(create_app(settings, db)) as base_url:
            yield base_url
    finally:
        logging.getLogger().removeHandler(errors)
    tracebacks = [f"{r.name}: {r.getMessage()}\n{r.exc_text or ''}" for r in errors.records]
    assert not tracebacks, "the server logged errors:\n" + "\n".join(tracebacks[:5])


def schemathesis(base_url: str, token: str, report: Path, *extra: str) -> None:
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
        "--header",
        f"Authorization: Bearer {token}",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *extra,
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_every_operation_as_an_administrator(server: str, db: Database, tmp_path: Path) -> None:
    schemathesis(server, make_token(db, "admin"), tmp_path / "admin.xml")


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_phone_system_routes_as_an_integration(
    server: str, db: Database, tmp_path: Path
) -> None:
    tags = [arg for tag in INTEGRATION_TAGS for arg in ("--include-tag", tag)]
    schemathesis(server, make_token(db, "integration"), tmp_path / "integration.xml", *tags)
