"""recording integrity: when a recording was last verified, and when it was found damaged

Revision ID: 0009
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "verified_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "damaged_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("damage", sa.String(length=1000), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_recordings_verified_at"), ["verified_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordings_verified_at"))
        batch_op.drop_column("damage")
        batch_op.drop_column("damaged_at")
        batch_op.drop_column("verified_at")
