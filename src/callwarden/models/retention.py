"""Legal holds: a matter that keeps recordings, by what they are about, for as long as it lasts.

A hold names what it covers (its scope, JSON) rather than listing recordings, so it covers what
arrives after it was made. It is released, never deleted: the row is the record that it existed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class LegalHold(Base):
    __tablename__ = "legal_holds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    matter: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(1000))
    scope: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    released_by: Mapped[str | None] = mapped_column(String(120))
    release_reason: Mapped[str | None] = mapped_column(String(1000))
