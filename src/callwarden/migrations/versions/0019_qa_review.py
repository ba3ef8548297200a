"""QA review: scorecards, sampling plans and evaluations

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "qa_scorecards",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_scorecards")),
        sa.UniqueConstraint("name", "version", name=op.f("uq_qa_scorecards_name")),
    )
    op.create_index(op.f("ix_qa_scorecards_name"), "qa_scorecards", ["name"], unique=False)
    op.create_table(
        "qa_plans",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("scorecard_id", sa.String(length=40), nullable=False),
        sa.Column("period_from", utc, nullable=False),
        sa.Column("period_to", utc, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("strata", sa.JSON(), nullable=False),
        sa.Column("unassigned", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["qa_scorecards.id"],
            name=op.f("fk_qa_plans_scorecard_id_qa_scorecards"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_plans")),
    )
    op.create_index(op.f("ix_qa_plans_scorecard_id"), "qa_plans", ["scorecard_id"], unique=False)
    op.create_table(
        "qa_evaluations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("plan_id", sa.String(length=40), nullable=False),
        sa.Column("scorecard_id", sa.String(length=40), nullable=False),
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("reviewer_user_id", sa.String(length=40), nullable=False),
        sa.Column("agent_user_id", sa.String(length=40), nullable=True),
        sa.Column("team_id", sa.String(length=40), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("failed_compliance", sa.JSON(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("assigned_at", utc, nullable=False),
        sa.Column("submitted_at", utc, nullable=True),
        sa.Column("acknowledged_at", utc, nullable=True),
        sa.Column("acknowledgement", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["qa_plans.id"], name=op.f("fk_qa_evaluations_plan_id_qa_plans")
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["qa_scorecards.id"],
            name=op.f("fk_qa_evaluations_scorecard_id_qa_scorecards"),
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_qa_evaluations_recording_id_recordings"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_user_id"],
            ["users.id"],
            name=op.f("fk_qa_evaluations_reviewer_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["agent_user_id"], ["users.id"], name=op.f("fk_qa_evaluations_agent_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_qa_evaluations_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qa_evaluations")),
        sa.UniqueConstraint("plan_id", "recording_id", name=op.f("uq_qa_evaluations_plan_id")),
    )
    for column in (
        "plan_id",
        "recording_id",
        "reviewer_user_id",
        "agent_user_id",
        "team_id",
        "state",
        "submitted_at",
    ):
        op.create_index(
            op.f(f"ix_qa_evaluations_{column}"), "qa_evaluations", [column], unique=False
        )


def downgrade() -> None:
    op.drop_table("qa_evaluations")
    op.drop_index(op.f("ix_qa_plans_scorecard_id"), table_name="qa_plans")
    op.drop_table("qa_plans")
    op.drop_index(op.f("ix_qa_scorecards_name"), table_name="qa_scorecards")
    op.drop_table("qa_scorecards")
