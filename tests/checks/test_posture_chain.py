"""The security posture's audit-chain part where signed checkpoints exist: it walks only the
events since the newest checkpoint and holds the rest to the checkpoints, on both databases.
What it finds (a consistent rewrite anywhere, an edit in the newest stretch, a deleted event)
and the one thing it leaves to `audit verify` (an old event edited in place) are each shown."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from callwarden.audit import checkpointing
from callwarden.audit import service as audit
from callwarden.checks.registry import Found, Period
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from tests.audit.tampering import CheckpointTrail, rewrite_event, write_events
from tests.checks.support import run_check

EVERY = 5
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
PERIOD = Period(NOW - timedelta(days=1), NOW)


@pytest.fixture
def trail(tmp_path: Path, db: Database) -> CheckpointTrail:
    """`callwarden init` (signing key, checkpoints) and 20 events: 22, signed at 5, 10, 15, 20."""
    env = {
        "CALLWARDEN_DATA_DIR": str(tmp_path / "data"),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_AUDIT_CHECKPOINT_EVERY": str(EVERY),
    }
    result = CliRunner().invoke(app, ["init"], env=env)
    assert result.exit_code == 0, result.output
    settings = Settings(data_dir=tmp_path / "data", database_url=db.url, log_format="text")
    made = CheckpointTrail(db, settings.model_copy(update={"audit_checkpoint_every": EVERY}), env)
    write_events(made, 20)
    return made


def _chain_finding(trail: CheckpointTrail) -> Found | None:
    found = run_check(trail.db, "security_posture", PERIOD, NOW, trail.settings)
    return found.get("audit-chain")


def _edit_in_place(db: Database, seq: int) -> None:
    with db.unit_of_work() as session:
        session.execute(
            text("UPDATE audit_events SET reason = 'edited' WHERE seq = :s"), {"s": seq}
        )


def test_an_intact_trail_is_walked_only_since_its_newest_checkpoint(
    trail: CheckpointTrail,
) -> None:
    with trail.db.reading() as session:
        report = checkpointing.verify_since_checkpoint(session, trail.settings)
    assert report is not None and report.ok
    assert report.checked == 2  # events 21 and 22: the rest are held to the checkpoints
    assert report.last_seq == 22 and report.last_checkpoint_seq == 20
    assert _chain_finding(trail) is None


def test_a_consistent_rewrite_before_the_newest_checkpoint_is_found(
    trail: CheckpointTrail,
) -> None:
    rewrite_event(trail, seq=8, reason="nothing to see")  # every later hash and the head redone

    finding = _chain_finding(trail)

    assert finding is not None and finding.severity == "critical"
    assert "rewritten" in finding.summary and finding.evidence.events == (10,)


def test_an_edit_since_the_newest_checkpoint_is_found(trail: CheckpointTrail) -> None:
    _edit_in_place(trail.db, 21)

    finding = _chain_finding(trail)

    assert finding is not None and finding.evidence.events == (21,)
    assert "edited" in finding.summary


def test_an_event_deleted_in_the_signed_stretch_is_found_by_the_full_walk(
    trail: CheckpointTrail,
) -> None:
    with trail.db.unit_of_work() as session:
        session.execute(text("DELETE FROM audit_events WHERE seq = 7"))

    finding = _chain_finding(trail)

    assert finding is not None and finding.evidence.events == (7,)
    assert "missing" in finding.summary


def test_an_old_event_edited_in_place_is_left_to_audit_verify(trail: CheckpointTrail) -> None:
    """The documented limit: its hash was left as it was, so no checkpoint changes; only a
    walk from the genesis re-hashes it."""
    _edit_in_place(trail.db, 3)

    assert _chain_finding(trail) is None
    with trail.db.reading() as session:
        full = audit.verify(session)
    assert not full.ok and full.broken_at == 3
