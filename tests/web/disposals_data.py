"""A finished sweep for the console's Disposals tests: two real recordings destroyed (in the
tables, with real audit events), the certificate issued with this node's signing key."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import RetentionSweep
from callwarden.retention import certificate
from callwarden.signing import create_signing_key_file
from tests.support.console_calls import full_call, phone_system, upload_recording
from tests.support.sweeps import make_sweep

HOSTILE_REFERENCE = '<script>alert("x")</script> erasure #7'


@dataclass(frozen=True)
class Disposed:
    sweep_id: str
    text: str
    recordings: list[str]
    unfinished_id: str


def certified_sweep(
    db: Database, settings: Settings, recordings: list[str], reference: str | None = None
) -> tuple[str, str]:
    """A sweep that destroyed these recordings, its certificate issued: (sweep id, text)."""
    if not settings.signing_key_path.exists():
        create_signing_key_file(settings.signing_key_path)
    sweep_id = make_sweep(db, recordings, kind="erasure", reference=reference)
    with db.unit_of_work() as session:
        sweep = session.get(RetentionSweep, sweep_id)
        assert sweep is not None
        return sweep_id, certificate.issue(session, sweep, settings)


def disposed(db: Database, settings: Settings) -> Disposed:
    with TestClient(create_app(settings, db)) as api:
        pbx = phone_system(db, settings)
        recordings = []
        for queue in ("payments", "support"):
            call = full_call(api, pbx, queue=queue)
            recordings.append(upload_recording(api, pbx, call.call_id))
    sweep_id, text = certified_sweep(db, settings, recordings, HOSTILE_REFERENCE)
    unfinished = make_sweep(db, [])
    return Disposed(sweep_id, text, recordings, unfinished)
