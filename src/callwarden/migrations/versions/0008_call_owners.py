"""who a call belongs to: its agent, team and creating identity (for scoping reads)

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 09:20:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agent_user_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("team_id", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("created_by_user_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_calls_agent_user_id"), ["agent_user_id"])
        batch_op.create_index(batch_op.f("ix_calls_team_id"), ["team_id"])
        batch_op.create_index(batch_op.f("ix_calls_created_by_user_id"), ["created_by_user_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_agent_user_id_users"), "users", ["agent_user_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_calls_team_id_teams"), "teams", ["team_id"], ["id"]
        )
    _backfill()


def _backfill() -> None:
    """Existing calls: the creator from `created_by` (`user:<name>`), the team from the facts."""
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


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_calls_team_id_teams"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_calls_agent_user_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_calls_created_by_user_id"))
        batch_op.drop_index(batch_op.f("ix_calls_team_id"))
        batch_op.drop_index(batch_op.f("ix_calls_agent_user_id"))
        batch_op.drop_column("created_by_user_id")
        batch_op.drop_column("team_id")
        batch_op.drop_column("agent_user_id")
