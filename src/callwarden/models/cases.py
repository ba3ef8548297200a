"""Cases: employees' concerns and disputes, what was said in them, and the protections they put
on a recording while they run.

A case has a kind (`concern`, `private_call`, `evaluation_dispute`, `recording_dispute`) and
moves open → in_review → decided → closed, with one appeal from decided back to in_review
under a different handler. Who raised it is kept apart from what it is about: `reporter_user_id`
is empty for an anonymous concern, whose reporter holds a follow-up code instead (only its
sha256 is stored), and `subject_user_id` names the person whose conduct or evaluation it
concerns, so the handler can be checked against both. Every entry (a reply to the reporter, an
internal note, a state change) is a row of `case_entries` whose `visibility` says who may read
it; the audit trail records the same events without their text.

A recording's protection is a row of `recording_restrictions`: while `lifted_at` is empty the
recording may be played only by its agent and the case's handlers, and QA sampling leaves it
out. A recording dispute's legal hold is an ordinary `legal_holds` row, named here by `hold_id`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


def case_label(number: int) -> str:
    """How people name a case, by its `number`: CASE-0007 (one spelling everywhere)."""
    return f"CASE-{number:04d}"


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # case_...
    number: Mapped[int] = mapped_column(Integer, unique=True)  # CASE-0001, for people
    kind: Mapped[str] = mapped_column(String(24), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # open|in_review|decided|closed
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld|partly_upheld|not_upheld
    summary: Mapped[str] = mapped_column(String(200))  # one line, as the reporter put it
    details: Mapped[str] = mapped_column(Text)  # the reporter's account
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # anonymous follow-up
    on_behalf_of: Mapped[str | None] = mapped_column(String(200))  # a customer, described
    subject_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    recording_id: Mapped[str | None] = mapped_column(ForeignKey("recordings.id"), index=True)
    evaluation_id: Mapped[str | None] = mapped_column(ForeignKey("qa_evaluations.id"), index=True)
    handler_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    first_handler_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    filed_by: Mapped[str] = mapped_column(String(120))  # the actor who entered it
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)  # the policy's answer time
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reasons: Mapped[str | None] = mapped_column(Text)  # shown to the reporter
    appeal_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    appealed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    hold_id: Mapped[str | None] = mapped_column(ForeignKey("legal_holds.id"))
    keep_hold: Mapped[bool] = mapped_column(Boolean, default=False)  # legal keeps it at closing
    redo_evaluation_id: Mapped[str | None] = mapped_column(ForeignKey("qa_evaluations.id"))
    disposal_id: Mapped[str | None] = mapped_column(String(40))  # the crypto-shred, if upheld
    outcome_note: Mapped[str | None] = mapped_column(Text)  # what the outcome did, and why


class CaseEntry(Base):
    __tablename__ = "case_entries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # filed|reply|message|note|state|decision|appeal
    visibility: Mapped[str] = mapped_column(String(16))  # reporter|internal
    author_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))  # None: anonymous
    body: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class RecordingRestriction(Base):
    __tablename__ = "recording_restrictions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    recording_id: Mapped[str] = mapped_column(ForeignKey("recordings.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    lifted_reason: Mapped[str | None] = mapped_column(Text)
