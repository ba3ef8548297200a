"""service identities, temporary passwords, password-change-only tokens

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch rebuild of users would fail on SQLite once other
    # rows refer to them.
    op.add_column(
        "users",
        sa.Column("password_temporary", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "users", sa.Column("is_service", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # The integration role is for service identities only, so existing ones become such.
    op.execute(
        "UPDATE users SET is_service = true, password_hash = NULL WHERE role = 'integration'"
    )
    op.add_column(
        "api_tokens",
        sa.Column("password_change_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    # Plain ALTER TABLE DROP COLUMN (SQLite 3.35+): a batch rebuild of users would fail once
    # other rows refer to them.
    op.drop_column("api_tokens", "password_change_only")
    op.drop_column("users", "is_service")
    op.drop_column("users", "password_temporary")
