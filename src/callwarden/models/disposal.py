"""Disposal: each run that destroys recordings, and what it destroyed, for the certificate.

A sweep (the schedule's, or one erasure) is a row; each recording it disposed of is a
`Disposal` row written in the same transaction that destroys the recording's data key, so no
state shows a key destroyed without its record. The recording row stays as the tombstone; the
disposal row keeps what the certificate states about it (hashes, size, schedule, rule, the
audit event's chain position) and whether the sealed object has been deleted from the store yet.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime

BigInt = BigInteger().with_variant(Integer, "sqlite")


class RetentionSweep(Base):
    __tablename__ = "retention_sweeps"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    # "schedule" (the retention sweep), "erasure" (a data-subject request), "case" (a decision).
    kind: Mapped[str] = mapped_column(String(20), index=True)
    reference: Mapped[str | None] = mapped_column(String(120))
    as_of: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by: Mapped[str] = mapped_column(String(120))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    disposed_count: Mapped[int] = mapped_column(Integer, default=0)
    # The signed destruction certificate (JSON text, exactly as written out) once finished.
    certificate: Mapped[str | None] = mapped_column(Text)
    certificate_sha256: Mapped[str | None] = mapped_column(String(64))


class Disposal(Base):
    __tablename__ = "disposals"

    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), primary_key=True)
    sweep_id: Mapped[str] = mapped_column(ForeignKey("retention_sweeps.id"), index=True)
    call_id: Mapped[str] = mapped_column(String(40))
    rule: Mapped[str] = mapped_column(String(200))
    original_sha256: Mapped[str] = mapped_column(String(64))
    original_size: Mapped[int] = mapped_column(BigInt)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInt)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    retain_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dispose_by: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposal_due: Mapped[datetime | None] = mapped_column(UtcDateTime)
    disposed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    audit_seq: Mapped[int | None] = mapped_column(BigInt)
    object_deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
