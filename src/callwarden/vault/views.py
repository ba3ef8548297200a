"""How a recording is described to people and machines (metadata only, never audio)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callwarden.models import Recording


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def describe(recording: Recording) -> dict[str, Any]:
    return {
        "recording_id": recording.id,
        "call_id": recording.call_id,
        "state": recording.state,
        "format": recording.format,
        "codec": recording.codec,
        "content_type": recording.content_type,
        "sample_rate": recording.sample_rate,
        "channels": recording.channels,
        "channel_map": recording.channel_map,
        "duration_s": recording.duration_s,
        "sha256": recording.sha256,
        "size": recording.size,
        "original_sha256": recording.original_sha256,
        "trimmed_to_s": recording.trimmed_to_s,
        "purposes": recording.purposes,
        "retention_class": recording.retention_class,
        "retain_until": recording.retain_until.isoformat() if recording.retain_until else None,
        "legal_hold": recording.legal_hold,
        "private": recording.private,
        "queue": recording.queue,
        "direction": recording.direction,
        "jurisdictions": recording.jurisdictions,
        "pauses": recording.pauses,
        "started_at": recording.started_at.isoformat(),
        "verified_at": _moment(recording.verified_at),
        "damaged_at": _moment(recording.damaged_at),
        "damage": recording.damage,
        "parties": [
            {
                "party": p.party_key,
                "role": p.role,
                "number": p.number,
                "jurisdiction": p.jurisdiction,
            }
            for p in recording.parties
        ],
    }
