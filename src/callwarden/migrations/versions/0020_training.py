"""Training: course versions, assignments, quiz attempts, policy acknowledgements

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

_INDEXES = {
    "training_course_versions": ("course",),
    "training_assignments": (
        "user_id",
        "subject",
        "course_version_id",
        "policy_version",
        "due_at",
        "state",
    ),
    "training_attempts": ("assignment_id",),
    "policy_acknowledgements": ("user_id", "policy_version"),
}


def upgrade() -> None:
    utc = callwarden.models.base.UtcDateTime(timezone=True)
    op.create_table(
        "training_course_versions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("course", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("published_by", sa.String(length=120), nullable=False),
        sa.Column("published_at", utc, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_course_versions")),
        sa.UniqueConstraint("course", "version", name=op.f("uq_training_course_versions_course")),
    )
    op.create_table(
        "training_assignments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("course_version_id", sa.String(length=40), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", utc, nullable=False),
        sa.Column("due_at", utc, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("completed_at", utc, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_training_assignments_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["course_version_id"],
            ["training_course_versions.id"],
            name=op.f("fk_training_assignments_course_version_id_training_course_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["policy_version"],
            ["policy_versions.version"],
            name=op.f("fk_training_assignments_policy_version_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_assignments")),
        sa.UniqueConstraint(
            "user_id", "subject", "round", name=op.f("uq_training_assignments_user_id")
        ),
    )
    op.create_table(
        "training_attempts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("assignment_id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("earned", sa.Integer(), nullable=False),
        sa.Column("possible", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("review", sa.JSON(), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["training_assignments.id"],
            name=op.f("fk_training_attempts_assignment_id_training_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attempts")),
        sa.UniqueConstraint(
            "assignment_id", "number", name=op.f("uq_training_attempts_assignment_id")
        ),
    )
    op.create_table(
        "policy_acknowledgements",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("at", utc, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_policy_acknowledgements_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["policy_version"],
            ["policy_versions.version"],
            name=op.f("fk_policy_acknowledgements_policy_version_policy_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_acknowledgements")),
        sa.UniqueConstraint(
            "user_id", "policy_version", name=op.f("uq_policy_acknowledgements_user_id")
        ),
    )
    for table, columns in _INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def downgrade() -> None:
    for table, columns in _INDEXES.items():
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    op.drop_table("policy_acknowledgements")
    op.drop_table("training_attempts")
    op.drop_table("training_assignments")
    op.drop_table("training_course_versions")
