"""recordings vault

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:15:46.378832
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recordings",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("object_key", sa.String(length=300), nullable=False),
        sa.Column("store", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("codec", sa.String(length=16), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("sample_rate", sa.Integer(), nullable=False),
        sa.Column("channels", sa.Integer(), nullable=False),
        sa.Column("channel_map", sa.JSON(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "ciphertext_size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "original_size", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("trimmed_to_s", sa.Float(), nullable=True),
        sa.Column("purposes", sa.JSON(), nullable=False),
        sa.Column("retention_class", sa.String(length=64), nullable=True),
        sa.Column("retain_until", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("legal_hold", sa.Boolean(), nullable=False),
        sa.Column("private", sa.Boolean(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=120), nullable=True),
        sa.Column("agent_user_id", sa.String(length=40), nullable=True),
        sa.Column("team_id", sa.String(length=40), nullable=True),
        sa.Column("jurisdictions", sa.JSON(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("started_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_user_id"], ["users.id"], name=op.f("fk_recordings_agent_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_recordings_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_recordings_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("call_id", "idempotency_key", name=op.f("uq_recordings_call_id")),
        sa.UniqueConstraint("object_key", name=op.f("uq_recordings_object_key")),
    )
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recordings_agent_user_id"), ["agent_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recordings_call_id"), ["call_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_queue"), ["queue"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recordings_retain_until"), ["retain_until"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recordings_retention_class"), ["retention_class"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recordings_sha256"), ["sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_recordings_team_id"), ["team_id"], unique=False)

    op.create_table(
        "data_keys",
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("wrapped", sa.String(length=2000), nullable=True),
        sa.Column("kek_version", sa.Integer(), nullable=False),
        sa.Column("created_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("destroyed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_data_keys_recording_id_recordings")
        ),
        sa.PrimaryKeyConstraint("recording_id", name=op.f("pk_data_keys")),
    )
    with op.batch_alter_table("data_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_keys_kek_version"), ["kek_version"], unique=False)

    op.create_table(
        "recording_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("assigned_by", sa.String(length=120), nullable=False),
        sa.Column("assigned_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_assignments_recording_id_recordings"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recording_assignments_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_assignments")),
        sa.UniqueConstraint(
            "recording_id", "user_id", name=op.f("uq_recording_assignments_recording_id")
        ),
    )
    with op.batch_alter_table("recording_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_assignments_recording_id"), ["recording_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recording_assignments_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "recording_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("party_key", sa.String(length=40), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("jurisdiction", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_parties_recording_id_recordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_parties")),
    )
    with op.batch_alter_table("recording_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_parties_jurisdiction"), ["jurisdiction"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recording_parties_number"), ["number"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_recording_parties_recording_id"), ["recording_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recording_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_parties_recording_id"))
        batch_op.drop_index(batch_op.f("ix_recording_parties_number"))
        batch_op.drop_index(batch_op.f("ix_recording_parties_jurisdiction"))

    op.drop_table("recording_parties")
    with op.batch_alter_table("recording_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_assignments_user_id"))
        batch_op.drop_index(batch_op.f("ix_recording_assignments_recording_id"))

    op.drop_table("recording_assignments")
    with op.batch_alter_table("data_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_keys_kek_version"))

    op.drop_table("data_keys")
    with op.batch_alter_table("recordings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recordings_team_id"))
        batch_op.drop_index(batch_op.f("ix_recordings_state"))
        batch_op.drop_index(batch_op.f("ix_recordings_started_at"))
        batch_op.drop_index(batch_op.f("ix_recordings_sha256"))
        batch_op.drop_index(batch_op.f("ix_recordings_retention_class"))
        batch_op.drop_index(batch_op.f("ix_recordings_retain_until"))
        batch_op.drop_index(batch_op.f("ix_recordings_queue"))
        batch_op.drop_index(batch_op.f("ix_recordings_call_id"))
        batch_op.drop_index(batch_op.f("ix_recordings_agent_user_id"))

    op.drop_table("recordings")
