"""One upload: what it asked for, what was sealed from it, and a repeat of its idempotency key.

A phone system retries an upload it got no answer for with the same key, and then must get the
recording already stored. The same key with other audio or other metadata is a client bug that
would otherwise silently keep the first upload and drop the second: it is refused (409), as a
reused event id is for call events.

These are plain values shared by intake (which seals) and indexing (which writes the row), so
neither has to import the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callwarden.kit.errors import Conflict
from callwarden.models import Recording
from callwarden.vault.media import MediaInfo


@dataclass(frozen=True)
class IntakeRequest:
    """What an upload asks for besides its bytes."""

    call_id: str
    idempotency_key: str
    source: str = "upload"
    channel_map: tuple[str, ...] = ()
    started_at: datetime | None = None
    agent: str | None = None
    private: bool = False


@dataclass(frozen=True)
class SealedAudio:
    """What intake sealed into the vault: the kept audio, and the upload as it arrived."""

    info: MediaInfo
    sha256: str
    size: int
    ciphertext_size: int
    original_sha256: str
    original_size: int
    trimmed_to_s: float | None


def request_fields(request: IntakeRequest) -> dict[str, Any]:
    """What the upload asked for besides its bytes, as stored on the recording's row."""
    return {
        "source": request.source,
        "channel_map": list(request.channel_map),
        "started_at": request.started_at.isoformat() if request.started_at else None,
        "agent": request.agent,
        "private": request.private,
    }


def check_repeat(existing: Recording, request: IntakeRequest, sha256: str) -> None:
    """Refuse a repeat of the key whose audio (SHA-256 as uploaded) or metadata differ."""
    differs = [] if existing.original_sha256 == sha256 else ["audio (sha256)"]
    if existing.intake_request is not None:  # rows stored before it was kept: audio only
        asked = request_fields(request)
        differs += [
            name for name, value in asked.items() if existing.intake_request.get(name) != value
        ]
    if differs:
        raise Conflict(
            f"idempotency key {request.idempotency_key!r} was already used for a different "
            f"upload to this call ({', '.join(differs)} differ); use a new key for a new upload",
            differs=differs,
        )
