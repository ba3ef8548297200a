"""retention schedule per recording, disposal sweeps and their tombstones

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_RECORDING_TIMES = ("dispose_by", "disposal_due")


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    # Plain ALTER TABLE (no batch copy): SQLite adds and drops columns in place, and copying a
    # table other tables reference would trip their foreign keys.
    for name in _RECORDING_TIMES:
        op.add_column("recordings", sa.Column(name, utc, nullable=True))
    op.add_column("recordings", sa.Column("retention_reasons", sa.JSON(), nullable=True))
    op.add_column("recordings", sa.Column("retention_policy_version", sa.Integer(), nullable=True))
    op.add_column("recordings", sa.Column("disposed_at", utc, nullable=True))
    for name in _RECORDING_TIMES:
        op.create_index(op.f(f"ix_recordings_{name}"), "recordings", [name], unique=False)
    # Until the schedule is recomputed, a stored recording is due when its minimum runs out.
    op.execute("UPDATE recordings SET disposal_due = retain_until")
    op.add_column("policy_versions", sa.Column("rescheduled_at", utc, nullable=True))

    op.create_table(
        "retention_sweeps",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=True),
        sa.Column("as_of", utc, nullable=False),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("finished_at", utc, nullable=True),
        sa.Column("disposed_count", sa.Integer(), nullable=False),
        sa.Column("certificate", sa.Text(), nullable=True),
        sa.Column("certificate_sha256", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_sweeps")),
    )
    for name in ("kind", "started_at", "finished_at"):
        op.create_index(
            op.f(f"ix_retention_sweeps_{name}"), "retention_sweeps", [name], unique=False
        )
    op.create_table(
        "disposals",
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("sweep_id", sa.String(length=40), nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("original_sha256", sa.String(length=64), nullable=False),
        sa.Column("original_size", big, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", big, nullable=False),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("retain_until", utc, nullable=True),
        sa.Column("dispose_by", utc, nullable=True),
        sa.Column("disposal_due", utc, nullable=True),
        sa.Column("disposed_at", utc, nullable=False),
        sa.Column("audit_seq", big, nullable=True),
        sa.Column("object_deleted_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_disposals_recording_id_recordings")
        ),
        sa.ForeignKeyConstraint(
            ["sweep_id"],
            ["retention_sweeps.id"],
            name=op.f("fk_disposals_sweep_id_retention_sweeps"),
        ),
        sa.PrimaryKeyConstraint("recording_id", name=op.f("pk_disposals")),
    )
    op.create_index(op.f("ix_disposals_sweep_id"), "disposals", ["sweep_id"], unique=False)
    op.create_index(
        op.f("ix_disposals_object_deleted_at"), "disposals", ["object_deleted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("disposals")
    op.drop_table("retention_sweeps")
    op.drop_column("policy_versions", "rescheduled_at")
    for name in _RECORDING_TIMES:
        op.drop_index(op.f(f"ix_recordings_{name}"), table_name="recordings")
    for name in (*_RECORDING_TIMES, "retention_reasons", "retention_policy_version", "disposed_at"):
        op.drop_column("recordings", name)
