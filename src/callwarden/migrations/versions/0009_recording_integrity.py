"""recording integrity: when a recording was last verified, and when it was found damaged

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE: a SQLite batch rebuild fails once other rows refer to recordings.
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.add_column("recordings", sa.Column("verified_at", utc, nullable=True))
    op.add_column("recordings", sa.Column("damaged_at", utc, nullable=True))
    op.add_column("recordings", sa.Column("damage", sa.String(length=1000), nullable=True))
    op.create_index(op.f("ix_recordings_verified_at"), "recordings", ["verified_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recordings_verified_at"), table_name="recordings")
    op.drop_column("recordings", "damage")
    op.drop_column("recordings", "damaged_at")
    op.drop_column("recordings", "verified_at")
