"""Recordings in the vault, their data keys, who was on them, and QA assignments.

The audio itself is sealed in the blob store; this row says where, what it is, whose key opens
it, how long it must be kept, and what the consent ledger allowed. A data key lives in its own
row so that destroying it (crypto-shredding) leaves the recording's metadata for the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from callwarden.models.base import Base, UtcDateTime

BigInt = BigInteger().with_variant(Integer, "sqlite")


class Recording(Base):
    __tablename__ = "recordings"
    __table_args__ = (UniqueConstraint("call_id", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(16), index=True)
    object_key: Mapped[str] = mapped_column(String(300), unique=True)
    store: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    codec: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(40))
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer)
    channel_map: Mapped[list[str]] = mapped_column(JSON)
    duration_s: Mapped[float] = mapped_column(Float)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInt)
    ciphertext_size: Mapped[int] = mapped_column(BigInt)
    original_sha256: Mapped[str] = mapped_column(String(64))
    original_size: Mapped[int] = mapped_column(BigInt)
    trimmed_to_s: Mapped[float | None] = mapped_column(Float)
    purposes: Mapped[list[str]] = mapped_column(JSON)
    retention_class: Mapped[str | None] = mapped_column(String(64), index=True)
    # The schedule (retention/schedule.py): `retain_until` is the earliest moment it may be
    # disposed of, `dispose_by` the latest it must be (None: no maximum), `disposal_due` the one
    # the policy chose, `retention_reasons` why, in words with the rules, for people to read.
    retain_until: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    dispose_by: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    disposal_due: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    retention_reasons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    retention_policy_version: Mapped[int | None] = mapped_column(Integer)
    # Set in the same transaction that destroys the data key (state "disposed"): a tombstone.
    disposed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    direction: Mapped[str] = mapped_column(String(16))
    queue: Mapped[str | None] = mapped_column(String(120), index=True)
    agent_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"), index=True)
    jurisdictions: Mapped[list[str]] = mapped_column(JSON)
    pauses: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(120))
    analysed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    analysis_error: Mapped[str | None] = mapped_column(String(1000))
    # What the upload asked for besides its bytes (channel map, start, agent, private, source):
    # a repeat of the idempotency key must ask for the same. None on rows stored before it.
    intake_request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Integrity: the last full check (passed or not), and the first failure not since cleared.
    verified_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    damaged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    damage: Mapped[str | None] = mapped_column(String(1000))

    parties: Mapped[list[RecordingParty]] = relationship(
        lazy="selectin", order_by="RecordingParty.id"
    )


class DataKey(Base):
    __tablename__ = "data_keys"

    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), primary_key=True)
    wrapped: Mapped[str | None] = mapped_column(String(2000))
    kek_version: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    destroyed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class RecordingParty(Base):
    __tablename__ = "recording_parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    party_key: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(16))
    number: Mapped[str | None] = mapped_column(String(32), index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(10), index=True)


class RecordingAssignment(Base):
    __tablename__ = "recording_assignments"
    __table_args__ = (UniqueConstraint("recording_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    assigned_by: Mapped[str] = mapped_column(String(120))
    assigned_at: Mapped[datetime] = mapped_column(UtcDateTime)
