"""A repeated upload's idempotency key: the same upload again, or a key reused for another one.

A phone system retries an upload it got no answer for with the same key, and then must get the
recording already stored. The same key with other audio or other metadata is a client bug that
would otherwise silently keep the first upload and drop the second: it is refused (409), as a
reused event id is for call events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from callwarden.kit.errors import Conflict
from callwarden.models import Recording

if TYPE_CHECKING:
    from callwarden.vault.intake import IntakeRequest


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
