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

import httpx
import pytest

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from callwarden.signing import create_signing_key_file
from callwarden.vault.keyring import Keyring
from tests.recordings.conftest import CALIFORNIA
from tests.support.audio import wav
from tests.support.calls import CallDriver
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT
from tests.support.server import serving

ROOT = Path(__file__).parents[2]
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Per operation and phase; deterministic generation makes every run draw the same cases.
EXAMPLES = int(os.environ.get("CALLWARDEN_SCHEMATHESIS_EXAMPLES", "25"))
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
    create_signing_key_file(settings.signing_key_path)  # as `callwarden init` makes it
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    # The Twilio webhooks answer 503 until configured; configured, their signature check runs.
    configured = settings.model_copy(
        update={"twilio_auth_token": "test-auth-token", "public_base_url": "http://127.0.0.1"}
    )
    app = create_app(configured, db)  # sets up logging: watch the log after this
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        with serving(app) as base_url:
            _seed_a_recording(db, base_url)
            yield base_url
    finally:
        logging.getLogger().removeHandler(errors)
    tracebacks = [f"{r.name}: {r.getMessage()}\n{r.exc_text or ''}" for r in errors.records]
    assert not tracebacks, "the server logged errors:\n" + "\n".join(tracebacks[:5])


def _seed_a_recording(db: Database, base_url: str) -> None:
    """One call with a stored recording, so the recording routes have something to answer with."""
    pbx = bearer(make_token(db, "integration"))
    with httpx.Client(base_url=base_url, timeout=30) as http:
        call = CallDriver(http, pbx, CALIFORNIA)  # type: ignore[arg-type]
        call.ok("notice_played", party="customer")
        call.ok("recording_started", offset_s=0.0)
        stored = http.post(
            f"/v1/calls/{call.call_id}/recordings",
            content=wav(3.0),
            headers=pbx,
            params={"idempotency_key": "seed", "channel_map": "customer,agent"},
        )
    assert stored.status_code == 201, stored.text


def schemathesis(db: Database, base_url: str, role: str, report: Path, *extra: str) -> None:
    """Run `st run` with every check; the token comes from tests/support/schemathesis_hooks.py."""
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--generation-deterministic",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
        *extra,
    ]
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
        "SCHEMATHESIS_CALLWARDEN_DATABASE": db.url,
        "SCHEMATHESIS_CALLWARDEN_ROLE": role,
    }
    run = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=report.parent,
        env=environment,
    )
    transcript = report.with_suffix(".txt")
    transcript.write_text(run.stdout + run.stderr, encoding="utf-8")
    assert run.returncode == 0, f"see {transcript}\n" + run.stdout[-20000:] + run.stderr[-5000:]


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_every_operation_as_an_administrator(server: str, db: Database, tmp_path: Path) -> None:
    schemathesis(db, server, "admin", tmp_path / "admin.xml")


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_phone_system_routes_as_an_integration(
    server: str, db: Database, tmp_path: Path
) -> None:
    tags = [arg for tag in INTEGRATION_TAGS for arg in ("--include-tag", tag)]
    schemathesis(db, server, "integration", tmp_path / "integration.xml", *tags)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_hold_routes_as_legal(server: str, db: Database, tmp_path: Path) -> None:
    """Administrators may not make holds, so the hold routes' writes run as legal staff."""
    schemathesis(db, server, "legal", tmp_path / "legal.xml", "--include-tag", "holds")
