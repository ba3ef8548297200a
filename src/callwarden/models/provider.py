"""Recordings a phone-system provider tells us about (e.g. Twilio's recording-status callback).

One row per (provider, recording id, status), which makes repeated callbacks idempotent; the
vault's fetch job picks up completed ones and brings the audio in through intake.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class ProviderRecording(Base):
    __tablename__ = "provider_recordings"
    __table_args__ = (UniqueConstraint("provider", "recording_sid", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(ForeignKey("calls.id"), index=True)
    provider: Mapped[str] = mapped_column(String(40))
    recording_sid: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(32))
    media_url: Mapped[str | None] = mapped_column(String(1000))
    duration_s: Mapped[float | None] = mapped_column(Float)
    channels: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fetched_recording_id: Mapped[str | None] = mapped_column(String(40))
    fetch_attempts: Mapped[int] = mapped_column(Integer, default=0)
    fetch_error: Mapped[str | None] = mapped_column(String(1000))
    # Set while one worker downloads the row; expires so that a crashed worker's row is retried.
    fetch_claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
