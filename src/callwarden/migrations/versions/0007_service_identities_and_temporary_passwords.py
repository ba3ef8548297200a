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
    with op.batch_alter_table("users") as users:
        users.add_column(
            sa.Column("password_temporary", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        users.add_column(
            sa.Column("is_service", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # The integration role is for service identities only, so existing ones become such.
    op.execute(
        "UPDATE users SET is_service = true, password_hash = NULL WHERE role = 'integration'"
    )
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.add_column(
            sa.Column(
                "password_change_only", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.drop_column("password_change_only")
    with op.batch_alter_table("users") as users:
        users.drop_column("is_service")
        users.drop_column("password_temporary")
