"""Announcement audio per script, and what checking each recording's audio found."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class ScriptAudio(Base):
    """The prompt a phone system plays for one script version and language, sealed in the vault."""

    __tablename__ = "script_audio"
    __table_args__ = (UniqueConstraint("script_id", "language"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    script_id: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(35))
    object_key: Mapped[str] = mapped_column(String(300), unique=True)
    wrapped_key: Mapped[str] = mapped_column(String(2000))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    ciphertext_size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    duration_s: Mapped[float] = mapped_column(Float)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Finding(Base):
    """One thing a compliance check found, and where working it has got to.

    `check_name` names the check that made it (`audio`: the audio check; `intake`: admission
    into the vault). Its status moves open → acknowledged → resolved, or to accepted_risk
    (until `risk_expires_at`, if set), or superseded when a later run replaces it; the last
    move's reason, who made it and when are kept on the row, every move in the audit trail.
    """

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    check_name: Mapped[str] = mapped_column(String(40), default="audio", server_default="audio")
    status_reason: Mapped[str | None] = mapped_column(String(1000))
    status_by: Mapped[str | None] = mapped_column(String(120))
    status_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    risk_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    channel: Mapped[int | None] = mapped_column(Integer)
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(String(500))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
