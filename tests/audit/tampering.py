"""What someone with write access to the database can do to the audit trail, as test helpers.

They edit rows with plain SQL and then recompute every later hash and the head with the public
chain math, so the chain alone verifies again: only the signed checkpoints can tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from callwarden.audit import service as audit
from callwarden.audit.chain import canonical_content, link_hash
from callwarden.cli import app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent
from callwarden.runtime import open_database


@dataclass(frozen=True)
class CheckpointTrail:
    db: Database
    settings: Settings
    env: dict[str, str]


def write_events(trail: CheckpointTrail, count: int, *, attach: bool = True) -> None:
    """Events written as the service writes them (`attach=False`: as if no checkpoint was signed)."""
    db = open_database(trail.settings) if attach else Database(trail.db.url)
    try:
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
    finally:
        db.dispose()


def run_cli(trail: CheckpointTrail, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=trail.env)
    return result.exit_code, result.output


def _rows(db: Database) -> list[dict[str, Any]]:
    """Every event with typed values (times as datetimes, data as dicts)."""
    with db.reading() as session:
        return [audit.event_dict(row) | {"occurred_at": row.occurred_at} for row in _all(session)]


def _all(session: Session) -> list[AuditEvent]:
    return list(session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars())


def _rehash_from(db: Database, rows: list[dict[str, Any]], start: int) -> None:
    """Recompute hashes from `start` on and move the head, as a careful forger would."""
    prev = rows[start - 2]["hash"] if start > 1 else "0" * 64
    with db.engine.begin() as connection:
        for row in rows[start - 1 :]:
            content = canonical_content(
                row["seq"],
                row["occurred_at"],
                row["actor"],
                row["action"],
                row["target"],
                row["reason"],
                row["data"],
            )
            new_hash = link_hash(prev, content)
            connection.execute(
                text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE seq = :s"),
                {"p": prev, "h": new_hash, "s": row["seq"]},
            )
            prev = new_hash
        last = rows[-1]["seq"]
        connection.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": last, "h": prev}
        )


def rewrite_event(trail: CheckpointTrail, *, seq: int, reason: str) -> None:
    """Change one event's reason and recompute every later hash and the head."""
    with trail.db.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET reason = :r WHERE seq = :s"), {"r": reason, "s": seq}
        )
    _rehash_from(trail.db, _rows(trail.db), seq)


def delete_tail(trail: CheckpointTrail, *, keep: int) -> None:
    """Delete every event after `keep` and move the head back onto event `keep`."""
    with trail.db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE seq > :k"), {"k": keep})
        last = connection.execute(
            text("SELECT hash FROM audit_events WHERE seq = :k"), {"k": keep}
        ).scalar_one()
        connection.execute(
            text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": keep, "h": last}
        )
