"""Data-subject requests: a person's request to see (access) or erase what is held about them.

The person is named by their phone numbers; the row keeps how their identity was checked and by
whom, the legal deadline computed when it was opened, what was found, and how it ended. A request
is closed only with a stated outcome, so none is ever closed silently.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class SubjectRequest(Base):
    __tablename__ = "subject_requests"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # access | erasure
    numbers: Mapped[list[str]] = mapped_column(JSON)  # E.164
    law: Mapped[str] = mapped_column(String(16))  # gdpr | uk-gdpr | ccpa
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    identity_verification: Mapped[str] = mapped_column(String(2000))
    verified_by: Mapped[str] = mapped_column(String(120))
    state: Mapped[str] = mapped_column(String(16), index=True)  # open | closed
    opened_by: Mapped[str] = mapped_column(String(120))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What the last find saw: {"found_at", "calls": [...], "recordings": [...]}.
    found: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # An erasure's response letter (Markdown), exactly as sent.
    letter: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(120))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
