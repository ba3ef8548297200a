"""data-subject requests: access and erasure by phone number, with their deadlines

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "subject_requests",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("numbers", sa.JSON(), nullable=False),
        sa.Column("law", sa.String(length=16), nullable=False),
        sa.Column("received_at", utc, nullable=False),
        sa.Column("due_at", utc, nullable=False),
        sa.Column("identity_verification", sa.String(length=2000), nullable=False),
        sa.Column("verified_by", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.String(length=120), nullable=False),
        sa.Column("opened_at", utc, nullable=False),
        sa.Column("found", sa.JSON(), nullable=True),
        sa.Column("letter", sa.Text(), nullable=True),
        sa.Column("closed_by", sa.String(length=120), nullable=True),
        sa.Column("closed_at", utc, nullable=True),
        sa.Column("outcome", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_requests")),
    )
    op.create_index(
        op.f("ix_subject_requests_due_at"), "subject_requests", ["due_at"], unique=False
    )
    op.create_index(op.f("ix_subject_requests_state"), "subject_requests", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_subject_requests_state"), table_name="subject_requests")
    op.drop_index(op.f("ix_subject_requests_due_at"), table_name="subject_requests")
    op.drop_table("subject_requests")
