"""policy versions and decisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 20:59:23.356574
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_versions",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source_name", sa.String(length=200), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("parsed", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("law_version", sa.String(length=80), nullable=False),
        sa.Column("applied_by", sa.String(length=120), nullable=False),
        sa.Column("applied_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "effective_from", callwarden.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_policy_versions")),
    )
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_policy_versions_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_policy_versions_effective_from"), ["effective_from"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("external_call_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("record", sa.String(length=16), nullable=False),
        sa.Column("governing_rule", sa.String(length=16), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("law_version", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_version"],
            ["policy_versions.version"],
            name=op.f("fk_decisions_policy_version_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_decisions_external_call_id"), ["external_call_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_external_call_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_created_at"))

    op.drop_table("decisions")
    with op.batch_alter_table("policy_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_versions_effective_from"))
        batch_op.drop_index(batch_op.f("ix_policy_versions_content_hash"))

    op.drop_table("policy_versions")
