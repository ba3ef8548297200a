"""finding lifecycle and the policy's choice for a missing notice

Revision ID: 0011
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("check_name", sa.String(length=40), nullable=False, server_default="audio")
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column("status_by", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("status_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "risk_expires_at",
                callwarden.models.base.UtcDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.create_index(batch_op.f("ix_findings_status"), ["status"], unique=False)
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "on_missing_notice",
                sa.String(length=32),
                nullable=False,
                server_default="keep_with_violation",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("on_missing_notice")
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_status"))
        batch_op.drop_column("risk_expires_at")
        batch_op.drop_column("status_at")
        batch_op.drop_column("status_by")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("check_name")
