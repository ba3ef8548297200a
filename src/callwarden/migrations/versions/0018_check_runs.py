"""periodic compliance checks: runs, and the findings they keep across runs

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "check_runs",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("period_start", utc, nullable=False),
        sa.Column("period_end", utc, nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("started_by", sa.String(length=120), nullable=False),
        sa.Column("started_at", utc, nullable=False),
        sa.Column("finished_at", utc, nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_runs")),
    )
    op.create_index(op.f("ix_check_runs_started_at"), "check_runs", ["started_at"], unique=False)
    op.create_table(
        "check_findings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("check_name", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("detail", sa.String(length=2000), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("first_seen_run_id", sa.String(length=40), nullable=False),
        sa.Column("last_seen_run_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.Column("last_seen_at", utc, nullable=False),
        sa.Column("status_reason", sa.String(length=1000), nullable=True),
        sa.Column("status_by", sa.String(length=120), nullable=True),
        sa.Column("status_at", utc, nullable=True),
        sa.Column("risk_expires_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["first_seen_run_id"],
            ["check_runs.id"],
            name=op.f("fk_check_findings_first_seen_run_id_check_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["last_seen_run_id"],
            ["check_runs.id"],
            name=op.f("fk_check_findings_last_seen_run_id_check_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_findings")),
        sa.UniqueConstraint("check_name", "key", name=op.f("uq_check_findings_check_name")),
    )
    for column in ("check_name", "severity", "status", "first_seen_run_id", "last_seen_run_id"):
        op.create_index(
            op.f(f"ix_check_findings_{column}"), "check_findings", [column], unique=False
        )
    op.create_index(
        op.f("ix_check_findings_created_at"), "check_findings", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_table("check_findings")
    op.drop_index(op.f("ix_check_runs_started_at"), table_name="check_runs")
    op.drop_table("check_runs")
