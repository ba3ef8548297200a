"""who a call belongs to: its agent, team and creating identity (for scoping reads)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain columns and ALTER TABLE, not a batch rebuild: SQLite cannot rebuild a table other
    # tables' rows refer to while foreign keys are enforced, so these ids carry no constraint
    # (users and teams are disabled, never deleted).
    for column in ("agent_user_id", "team_id", "created_by_user_id"):
        op.add_column("calls", sa.Column(column, sa.String(length=40), nullable=True))
        op.create_index(op.f(f"ix_calls_{column}"), "calls", [column])
    _backfill()


def _backfill() -> None:
    """Existing calls: the creator from `created_by` (`user:<name>`), the team from the facts,
    the agent from their recordings."""
    bind = op.get_bind()
    users = {name: key for name, key in bind.execute(sa.text("SELECT username, id FROM users"))}
    teams = {name: key for name, key in bind.execute(sa.text("SELECT name, id FROM teams"))}
    calls = sa.table(
        "calls",
        sa.column("id", sa.String),
        sa.column("created_by", sa.String),
        sa.column("facts", sa.JSON),
        sa.column("team_id", sa.String),
        sa.column("created_by_user_id", sa.String),
    )
    rows = bind.execute(sa.select(calls.c.id, calls.c.created_by, calls.c.facts)).all()
    for call_id, created_by, facts in rows:
        creator = users.get(created_by.removeprefix("user:")) if created_by else None
        team = teams.get((facts or {}).get("agent_team") or "")
        if creator is None and team is None:
            continue
        bind.execute(
            calls.update()
            .where(calls.c.id == call_id)
            .values(created_by_user_id=creator, team_id=team)
        )
    # The agent of an old call is the agent its recordings were stored with, if any.
    bind.execute(
        sa.text(
            "UPDATE calls SET agent_user_id = (SELECT MIN(r.agent_user_id) FROM recordings r "
            "WHERE r.call_id = calls.id) WHERE agent_user_id IS NULL"
        )
    )


def downgrade() -> None:
    for column in ("created_by_user_id", "team_id", "agent_user_id"):
        op.drop_index(op.f(f"ix_calls_{column}"), table_name="calls")
        op.drop_column("calls", column)
