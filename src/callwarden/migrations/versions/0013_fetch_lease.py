"""a lease on a provider recording while one worker downloads it (no row lock held across HTTP)

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-01 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain nullable column (ALTER TABLE on SQLite too): empty means nobody holds the row.
    op.add_column(
        "provider_recordings",
        sa.Column("fetch_claimed_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("provider_recordings") as batch:
        batch.drop_column("fetch_claimed_until")
