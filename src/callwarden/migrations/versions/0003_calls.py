"""call sessions and consent ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:11:38.909499
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import callwarden.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("recording_state", sa.String(length=16), nullable=False),
        sa.Column("record_decision", sa.String(length=16), nullable=False),
        sa.Column("consent_level", sa.String(length=16), nullable=False),
        sa.Column("governing_rule", sa.String(length=16), nullable=False),
        sa.Column("notice_required", sa.Boolean(), nullable=False),
        sa.Column("notice_must_be_recorded", sa.Boolean(), nullable=False),
        sa.Column("secure_pause", sa.Boolean(), nullable=False),
        sa.Column("max_pause_s", sa.Integer(), nullable=False),
        sa.Column("on_decline", sa.String(length=32), nullable=False),
        sa.Column("on_withdrawal", sa.String(length=32), nullable=False),
        sa.Column("halted", sa.String(length=16), nullable=True),
        sa.Column("discard_all", sa.Boolean(), nullable=False),
        sa.Column("decision_id", sa.String(length=40), nullable=False),
        sa.Column("policy_version", sa.Integer(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("started_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "last_event_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False
        ),
        sa.Column("paused_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_calls_decision_id_decisions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("source", "external_id", name=op.f("uq_calls_source")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calls_started_at"), ["started_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_calls_state"), ["state"], unique=False)

    op.create_table(
        "call_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("client_event_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("occurred_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("received_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("party_key", sa.String(length=40), nullable=True),
        sa.Column("method", sa.String(length=16), nullable=True),
        sa.Column("script_id", sa.String(length=64), nullable=True),
        sa.Column("offset_s", sa.Float(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("violation", sa.Text(), nullable=True),
        sa.Column("reported_by", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_events_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_events")),
        sa.UniqueConstraint("call_id", "client_event_id", name=op.f("uq_call_events_call_id")),
    )
    with op.batch_alter_table("call_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_events_accepted"), ["accepted"], unique=False)
        batch_op.create_index(batch_op.f("ix_call_events_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_parties",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=True),
        sa.Column("jurisdiction", sa.String(length=10), nullable=True),
        sa.Column("location_source", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("needs_notice", sa.Boolean(), nullable=False),
        sa.Column("needs_consent", sa.Boolean(), nullable=False),
        sa.Column("notice_script_id", sa.String(length=64), nullable=True),
        sa.Column("notice_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("consent_status", sa.String(length=16), nullable=False),
        sa.Column("consent_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("consent_method", sa.String(length=16), nullable=True),
        sa.Column("joined_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("left_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_parties_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_parties")),
        sa.UniqueConstraint("call_id", "key", name=op.f("uq_call_parties_call_id")),
    )
    with op.batch_alter_table("call_parties", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_parties_call_id"), ["call_id"], unique=False)

    op.create_table(
        "call_pauses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("call_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("started_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", callwarden.models.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("start_offset_s", sa.Float(), nullable=True),
        sa.Column("end_offset_s", sa.Float(), nullable=True),
        sa.Column("exceeded", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_pauses_call_id_calls")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_pauses")),
    )
    with op.batch_alter_table("call_pauses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_pauses_call_id"), ["call_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("call_pauses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_pauses_call_id"))

    op.drop_table("call_pauses")
    with op.batch_alter_table("call_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_parties_call_id"))

    op.drop_table("call_parties")
    with op.batch_alter_table("call_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_events_call_id"))
        batch_op.drop_index(batch_op.f("ix_call_events_accepted"))

    op.drop_table("call_events")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_state"))
        batch_op.drop_index(batch_op.f("ix_calls_started_at"))

    op.drop_table("calls")
