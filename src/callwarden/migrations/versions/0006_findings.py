"""script audio and findings

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 21:26:27.170952
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "script_audio",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("script_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("object_key", sa.String(length=300), nullable=False),
        sa.Column("wrapped_key", sa.String(length=2000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ciphertext_size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_script_audio")),
        sa.UniqueConstraint("object_key", name=op.f("uq_script_audio_object_key")),
        sa.UniqueConstraint("script_id", "language", name=op.f("uq_script_audio_script_id")),
    )
    with op.batch_alter_table("script_audio", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_script_audio_script_id"), ["script_id"], unique=False)

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("channel", sa.Integer(), nullable=True),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_findings_recording_id_recordings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_findings")),
    )
    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_findings_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_findings_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_findings_recording_id"), ["recording_id"], unique=False
        )

    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "analysed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("analysis_error", sa.String(length=1000), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_recordings_analysed_at"), ["analysed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordings_analysed_at"))
        batch_op.drop_column("analysis_error")
        batch_op.drop_column("analysed_at")

    with op.batch_alter_table("findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_findings_recording_id"))
        batch_op.drop_index(batch_op.f("ix_findings_kind"))
        batch_op.drop_index(batch_op.f("ix_findings_created_at"))

    op.drop_table("findings")
    with op.batch_alter_table("script_audio", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_script_audio_script_id"))

    op.drop_table("script_audio")
