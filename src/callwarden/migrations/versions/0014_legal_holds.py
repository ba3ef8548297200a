"""legal holds: matters that keep recordings by what they are about

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("matter", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("released_at", utc, nullable=True),
        sa.Column("released_by", sa.String(length=120), nullable=True),
        sa.Column("release_reason", sa.String(length=1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index(
        op.f("ix_legal_holds_released_at"), "legal_holds", ["released_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_legal_holds_released_at"), table_name="legal_holds")
    op.drop_table("legal_holds")
