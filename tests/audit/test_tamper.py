"""Tampering with stored audit events is caught by `callwarden audit verify`, on both databases."""

from __future__ import annotations

import tempfile

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from callwarden.audit import service as audit
from callwarden.cli import app
from callwarden.db import Database


def write_events(db: Database, count: int) -> None:
    for number in range(count):
        with db.unit_of_work() as session:
            audit.record(
                session,
                actor="user:alice",
                action="recording.played",
                target=f"recording:rec_{number}",
                reason="QA review",
                data={"n": number},
            )


def run_verify(db: Database) -> tuple[int, str]:
    env = {"CALLWARDEN_DATABASE_URL": db.url, "CALLWARDEN_DATA_DIR": tempfile.mkdtemp()}
    result = CliRunner().invoke(app, ["audit", "verify"], env=env)
    return result.exit_code, result.output


def execute(db: Database, *statements: str) -> None:
    with db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_untouched_trail_verifies(db: Database) -> None:
    write_events(db, 6)
    code, output = run_verify(db)
    assert code == 0, output
    assert "6 events" in output


def test_edited_content_fails_naming_the_event(db: Database) -> None:
    write_events(db, 6)
    execute(db, "UPDATE audit_events SET reason = 'nothing to see' WHERE seq = 4")
    code, output = run_verify(db)
    assert code == 1
    assert "event 4" in output and "edited" in output


def test_deleted_event_fails_naming_the_gap(db: Database) -> None:
    write_events(db, 6)
    execute(db, "DELETE FROM audit_events WHERE seq = 3")
    code, output = run_verify(db)
    assert code == 1
    assert "event 3" in output


def test_reordered_events_fail(db: Database) -> None:
    write_events(db, 6)
    # Swap the positions of events 2 and 5 (via a free sequence number).
    execute(
        db,
        "UPDATE audit_events SET seq = 1000 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 5",
        "UPDATE audit_events SET seq = 5 WHERE seq = 1000",
    )
    code, output = run_verify(db)
    assert code == 1
    assert "event 2" in output


def test_deleted_last_event_fails_against_the_head(db: Database) -> None:
    write_events(db, 4)
    execute(db, "DELETE FROM audit_events WHERE seq = 4")
    code, output = run_verify(db)
    assert code == 1
    assert "event 4" in output


@pytest.mark.parametrize("column", ["actor", "action", "target"])
def test_every_covered_column_is_protected(db: Database, column: str) -> None:
    write_events(db, 3)
    execute(db, f"UPDATE audit_events SET {column} = 'forged' WHERE seq = 2")
    code, output = run_verify(db)
    assert code == 1 and "event 2" in output
