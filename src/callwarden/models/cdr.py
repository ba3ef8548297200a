"""Call-detail records imported from the phone system: what it says happened, to compare with
what callwarden heard. A row is unique on (source, external_id), so importing a file again adds
nothing. Matching a record to one of our calls is the completeness check's work, done when it
runs (a call may reach callwarden after its record was imported), so no call id is stored.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class CdrRecord(Base):
    __tablename__ = "cdr_records"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_cdr_records_started_at", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    duration_s: Mapped[int | None] = mapped_column(Integer)
    from_number: Mapped[str | None] = mapped_column(String(64))
    to_number: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str | None] = mapped_column(String(32))
    queue: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str | None] = mapped_column(String(32))
    parent_external_id: Mapped[str | None] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    import_file: Mapped[str] = mapped_column(String(300))
