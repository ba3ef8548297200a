"""finding lifecycle and the policy's choice for a missing notice

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE: a SQLite batch rebuild fails once other rows refer to these tables.
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.add_column(
        "findings",
        sa.Column("check_name", sa.String(length=40), nullable=False, server_default="audio"),
    )
    op.add_column("findings", sa.Column("status_reason", sa.String(length=1000), nullable=True))
    op.add_column("findings", sa.Column("status_by", sa.String(length=120), nullable=True))
    op.add_column("findings", sa.Column("status_at", utc, nullable=True))
    op.add_column("findings", sa.Column("risk_expires_at", utc, nullable=True))
    op.create_index(op.f("ix_findings_status"), "findings", ["status"], unique=False)
    op.add_column(
        "calls",
        sa.Column(
            "on_missing_notice",
            sa.String(length=32),
            nullable=False,
            server_default="keep_with_violation",
        ),
    )


def downgrade() -> None:
    op.drop_column("calls", "on_missing_notice")
    op.drop_index(op.f("ix_findings_status"), table_name="findings")
    for column in ("risk_expires_at", "status_at", "status_by", "status_reason", "check_name"):
        op.drop_column("findings", column)
