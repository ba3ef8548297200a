"""the upload request a recording was stored from, to tell a retry from a reused key

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE: a SQLite batch rebuild fails once other rows refer to recordings.
    op.add_column("recordings", sa.Column("intake_request", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("recordings", "intake_request")
