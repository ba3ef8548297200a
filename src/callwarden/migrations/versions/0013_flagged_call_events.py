"""an index of the call events that carry a violation, so "calls with violations" reads only those

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 12:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

WHERE = sa.text("violation IS NOT NULL")


def upgrade() -> None:
    # Partial: most events carry no violation, and only those that do are looked up this way.
    op.create_index(
        "ix_call_events_with_violation",
        "call_events",
        ["call_id"],
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_call_events_with_violation", table_name="call_events")
