"""call-detail records imported from the phone system, for the completeness check

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "cdr_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("ended_at", utc, nullable=True),
        sa.Column("duration_s", sa.Integer(), nullable=True),
        sa.Column("from_number", sa.String(length=64), nullable=True),
        sa.Column("to_number", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=32), nullable=True),
        sa.Column("queue", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=True),
        sa.Column("parent_external_id", sa.String(length=200), nullable=True),
        sa.Column("imported_at", utc, nullable=False),
        sa.Column("import_file", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cdr_records")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_cdr_records_source")),
    )
    op.create_index("ix_cdr_records_started_at", "cdr_records", ["started_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_cdr_records_started_at", table_name="cdr_records")
    op.drop_table("cdr_records")
