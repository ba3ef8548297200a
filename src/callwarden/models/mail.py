"""The outbox: every mail the service means to send, kept until a server has accepted it.

A row is written in the transaction that decides to send (a policy version applied, a reminder
due), so mail is never lost to a crash or to a mail server that is down; the sender job marks it
sent only after the server accepted it, and backs off between failed tries. The `dedupe_key` is
unique: the same reminder or announcement is queued once, however often the job looks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from callwarden.models.base import Base, UtcDateTime


class OutboxMail(Base):
    __tablename__ = "mail_outbox"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(320))  # an address, or a username to complete
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text
    link: Mapped[str | None] = mapped_column(String(300))  # a console path, made absolute on send
    kind: Mapped[str] = mapped_column(String(32), index=True)  # announcement|reminder_before|...
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
