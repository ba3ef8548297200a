"""a lease on a provider recording while one worker downloads it (no row lock held across HTTP)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain nullable column (ALTER TABLE on SQLite too): empty means nobody holds the row.
    op.add_column(
        "provider_recordings",
        sa.Column("fetch_claimed_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("provider_recordings", "fetch_claimed_until")
