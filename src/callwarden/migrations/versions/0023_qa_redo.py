"""A re-done QA evaluation shares its plan and recording with the one it replaces: the plan's
one-evaluation-per-recording rule now holds for first evaluations only

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

FIRST_ONLY = sa.text("redo_of IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_qa_evaluations_plan_id", type_="unique")
    op.create_index(
        "uq_qa_evaluations_plan_recording_first",
        "qa_evaluations",
        ["plan_id", "recording_id"],
        unique=True,
        sqlite_where=FIRST_ONLY,
        postgresql_where=FIRST_ONLY,
    )


def downgrade() -> None:
    op.drop_index("uq_qa_evaluations_plan_recording_first", table_name="qa_evaluations")
    with op.batch_alter_table("qa_evaluations", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_qa_evaluations_plan_id", ["plan_id", "recording_id"])
