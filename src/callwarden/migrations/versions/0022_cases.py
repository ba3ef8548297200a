"""Cases (employees' concerns and disputes), their entries, recording restrictions, and a
re-done QA evaluation's link to the one it replaces

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("summary", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("reporter_user_id", sa.String(length=40), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("on_behalf_of", sa.String(length=200), nullable=True),
        sa.Column("subject_user_id", sa.String(length=40), nullable=True),
        sa.Column("recording_id", sa.String(length=40), nullable=True),
        sa.Column("evaluation_id", sa.String(length=40), nullable=True),
        sa.Column("handler_user_id", sa.String(length=40), nullable=True),
        sa.Column("first_handler_user_id", sa.String(length=40), nullable=True),
        sa.Column("filed_by", sa.String(length=120), nullable=False),
        sa.Column("filed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("decision_reasons", sa.Text(), nullable=True),
        sa.Column("appeal_until", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("appealed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("keep_hold", sa.Boolean(), nullable=False),
        sa.Column("redo_evaluation_id", sa.String(length=40), nullable=True),
        sa.Column("disposal_id", sa.String(length=40), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["qa_evaluations.id"],
            name=op.f("fk_cases_evaluation_id_qa_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["first_handler_user_id"],
            ["users.id"],
            name=op.f("fk_cases_first_handler_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["handler_user_id"], ["users.id"], name=op.f("fk_cases_handler_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hold_id"], ["legal_holds.id"], name=op.f("fk_cases_hold_id_legal_holds")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_cases_recording_id_recordings")
        ),
        sa.ForeignKeyConstraint(
            ["redo_evaluation_id"],
            ["qa_evaluations.id"],
            name=op.f("fk_cases_redo_evaluation_id_qa_evaluations"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"], ["users.id"], name=op.f("fk_cases_reporter_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"], ["users.id"], name=op.f("fk_cases_subject_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_cases_code_hash")),
        sa.UniqueConstraint("number", name=op.f("uq_cases_number")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cases_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_filed_at"), ["filed_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_handler_user_id"), ["handler_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_cases_recording_id"), ["recording_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_reporter_user_id"), ["reporter_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_state"), ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_subject_user_id"), ["subject_user_id"], unique=False
        )

    op.create_table(
        "case_entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("author_user_id", sa.String(length=40), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_case_entries_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_entries_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_entries")),
    )
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_entries_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_entries_case_id"), ["case_id"], unique=False)

    op.create_table(
        "recording_restrictions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("recording_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("placed_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("lifted_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_recording_restrictions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_recording_restrictions_recording_id_recordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_restrictions")),
    )
    with op.batch_alter_table("recording_restrictions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recording_restrictions_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recording_restrictions_lifted_at"), ["lifted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recording_restrictions_recording_id"), ["recording_id"], unique=False
        )

    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redo_of", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("superseded_at", callwarden.models.base.UtcDateTime(timezone=True))
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_qa_evaluations_redo_of_qa_evaluations"),
            "qa_evaluations",
            ["redo_of"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_qa_evaluations_redo_of"), ["redo_of"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qa_evaluations_redo_of"))
        batch_op.drop_constraint(
            batch_op.f("fk_qa_evaluations_redo_of_qa_evaluations"), type_="foreignkey"
        )
        batch_op.drop_column("superseded_at")
        batch_op.drop_column("redo_of")
    with op.batch_alter_table("recording_restrictions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recording_restrictions_recording_id"))
        batch_op.drop_index(batch_op.f("ix_recording_restrictions_lifted_at"))
        batch_op.drop_index(batch_op.f("ix_recording_restrictions_case_id"))

    op.drop_table("recording_restrictions")
    with op.batch_alter_table("case_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_entries_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_entries_at"))

    op.drop_table("case_entries")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_subject_user_id"))
        batch_op.drop_index(batch_op.f("ix_cases_state"))
        batch_op.drop_index(batch_op.f("ix_cases_reporter_user_id"))
        batch_op.drop_index(batch_op.f("ix_cases_recording_id"))
        batch_op.drop_index(batch_op.f("ix_cases_kind"))
        batch_op.drop_index(batch_op.f("ix_cases_handler_user_id"))
        batch_op.drop_index(batch_op.f("ix_cases_filed_at"))
        batch_op.drop_index(batch_op.f("ix_cases_evaluation_id"))
        batch_op.drop_index(batch_op.f("ix_cases_due_at"))

    op.drop_table("cases")
