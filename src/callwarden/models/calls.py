"""Call sessions: the call, its parties (each with a consent status), its events and pauses.

Together these are the consent ledger: per party, what they were told and what they agreed to,
with the events that prove it, including refused events kept as violations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callwarden.models.base import Base, UtcDateTime


class Call(Base):
    __tablename__ = "calls"
    __table_args__ = (UniqueConstraint("source", "external_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str | None] = mapped_column(String(200))
    direction: Mapped[str] = mapped_column(String(16))
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)
    recording_state: Mapped[str] = mapped_column(String(16))
    record_decision: Mapped[str] = mapped_column(String(16))
    consent_level: Mapped[str] = mapped_column(String(16))
    governing_rule: Mapped[str] = mapped_column(String(16))
    notice_required: Mapped[bool] = mapped_column(Boolean)
    notice_must_be_recorded: Mapped[bool] = mapped_column(Boolean)
    secure_pause: Mapped[bool] = mapped_column(Boolean)
    max_pause_s: Mapped[int] = mapped_column(Integer)
    on_decline: Mapped[str] = mapped_column(String(32))
    on_withdrawal: Mapped[str] = mapped_column(String(32))
    on_missing_notice: Mapped[str] = mapped_column(
        String(32), default="keep_with_violation", server_default="keep_with_violation"
    )
    halted: Mapped[str | None] = mapped_column(String(16))
    discard_all: Mapped[bool] = mapped_column(Boolean, default=False)
    decision_id: Mapped[str] = mapped_column(ForeignKey("decisions.id"))
    policy_version: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan_version: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(120))
    # Whose call it is, for scoping reads (identity.policies.reach): the agent named at
    # creation, their team (or the facts' agent_team), and the identity that created it.
    # User and team ids without foreign keys (migration 0008 says why).
    agent_user_id: Mapped[str | None] = mapped_column(String(40), index=True)
    team_id: Mapped[str | None] = mapped_column(String(40), index=True)
    created_by_user_id: Mapped[str | None] = mapped_column(String(40), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_event_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    parties: Mapped[list[CallParty]] = relationship(
        back_populates="call", order_by="CallParty.position", lazy="selectin"
    )


class CallParty(Base):
    __tablename__ = "call_parties"
    __table_args__ = (UniqueConstraint("call_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(32))
    jurisdiction: Mapped[str | None] = mapped_column(String(10))
    location_source: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(35))
    needs_notice: Mapped[bool] = mapped_column(Boolean)
    needs_consent: Mapped[bool] = mapped_column(Boolean)
    notice_script_id: Mapped[str | None] = mapped_column(String(64))
    notice_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_status: Mapped[str] = mapped_column(String(16))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    consent_method: Mapped[str | None] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(UtcDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    call: Mapped[Call] = relationship(back_populates="parties")


class CallEvent(Base):
    __tablename__ = "call_events"
    __table_args__ = (
        UniqueConstraint("call_id", "client_event_id"),
        # The events kept with a violation, for "calls with violations" (migration 0013).
        Index(
            "ix_call_events_with_violation",
            "call_id",
            sqlite_where=text("violation IS NOT NULL"),
            postgresql_where=text("violation IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    client_event_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    party_key: Mapped[str | None] = mapped_column(String(40))
    method: Mapped[str | None] = mapped_column(String(16))
    script_id: Mapped[str | None] = mapped_column(String(64))
    offset_s: Mapped[float | None] = mapped_column(Float)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    accepted: Mapped[bool] = mapped_column(Boolean, index=True)
    violation: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str] = mapped_column(String(120))


class CallPause(Base):
    __tablename__ = "call_pauses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    start_offset_s: Mapped[float | None] = mapped_column(Float)
    end_offset_s: Mapped[float | None] = mapped_column(Float)
    exceeded: Mapped[bool] = mapped_column(Boolean, default=False)
