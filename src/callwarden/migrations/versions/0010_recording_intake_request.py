"""the upload request a recording was stored from, to tell a retry from a reused key

Revision ID: 0010
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.add_column(sa.Column("intake_request", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch_op:
        batch_op.drop_column("intake_request")
