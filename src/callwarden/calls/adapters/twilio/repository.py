"""All SQL for the Twilio adapter's own rows: recordings Twilio told us about."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.models import ProviderRecording

PROVIDER = "twilio"


def recording_status(session: Session, recording_sid: str, status: str) -> ProviderRecording | None:
    query = select(ProviderRecording).where(
        ProviderRecording.provider == PROVIDER,
        ProviderRecording.recording_sid == recording_sid,
        ProviderRecording.status == status,
    )
    return session.execute(query).scalar_one_or_none()


def add(session: Session, row: ProviderRecording) -> None:
    session.add(row)
    session.flush()
