"""One call as a vCon document (IETF draft-ietf-vcon-vcon-core), for an export or the API.

The shape follows the draft's JSON form: `vcon`, `uuid`, `created_at`, `parties` (a `tel` in
E.164 and where the party was), `dialog` (one `recording` per recording, its parties as indices
into `parties`, its media type, file name inside an export and hash), `attachments` (the
call-setup decision and the consent evidence, as inline JSON) and `analysis` (the audio check's
findings). Our own parameters (a party's role, a dialog's state) are named in `extensions`, as the
draft asks of anything outside the core.

Where the draft and what we hold meet imperfectly, said so here: a party's `tel` is the E.164
number as the draft's examples write it (the draft asks for a TEL URL, RFC 3966, whose global
form is the same digits after `tel:`); the draft's examples hash with SHA-512, we hold SHA-256
of each recording, so `content_hash` is `sha256-<base64url>`; and an attachment must name a
dialog, so a call with no recording gets one `incomplete` dialog (disposition "failed", the
nearest of the draft's words, with our `state` saying it was never recorded).

Pure: plain values in (the call's detail and consent evidence as `calls.ledger` gives them,
recording and finding rows), a JSON-ready dict out.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

VCON_VERSION = "0.4.0"
VENDOR = "callwarden"
EXTENSIONS = ["callwarden"]
# vCon uuids are derived from the call id, so the API and an export name a call the same way.
_NAMESPACE = uuid.UUID("5b0c3c1e-2a51-4f4e-9f39-7a2d0c1a9e01")


@dataclass(frozen=True)
class RecordingPart:
    """What the vCon says about one recording (and, in an export, where its audio is)."""

    recording_id: str
    state: str
    started_at: datetime
    duration_s: float
    content_type: str
    sha256: str
    channel_map: Sequence[str]
    filename: str | None = None  # the zip member holding the audio, when exported
    findings: Sequence[Mapping[str, Any]] = field(default_factory=list)


def vcon_uuid(call_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"call:{call_id}"))


def content_hash(sha256_hex: str) -> str:
    digest = base64.urlsafe_b64encode(bytes.fromhex(sha256_hex)).decode().rstrip("=")
    return f"sha256-{digest}"


def _party(party: Mapping[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {"role": party["role"], "uuid": party["key"]}
    if party.get("number"):
        shown["tel"] = party["number"]
    jurisdiction = party.get("jurisdiction")
    if jurisdiction:
        country, _, region = str(jurisdiction).partition("-")
        shown["civicaddress"] = {"country": country, **({"a1": region} if region else {})}
    return shown


def _indices(parties: Sequence[Mapping[str, Any]], channel_map: Sequence[str]) -> list[int]:
    """The parties heard on the recording, by index: each channel names a party key or role."""
    found: list[int] = []
    for channel in channel_map:
        for index, party in enumerate(parties):
            if channel in (party["key"], party["role"]) and index not in found:
                found.append(index)
                break
    return found or list(range(len(parties)))


def _dialog(part: RecordingPart, parties: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    dialog: dict[str, Any] = {
        "type": "recording",
        "start": part.started_at.isoformat(),
        "duration": round(part.duration_s, 3),
        "parties": _indices(parties, part.channel_map),
        "mediatype": part.content_type,
        "content_hash": content_hash(part.sha256),
        "state": part.state,
    }
    if part.filename:
        dialog["filename"] = part.filename
    return dialog


def _attachment(purpose: str, start: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "purpose": purpose,
        "start": start,
        "party": 0,
        "dialog": 0,
        "mediatype": "application/json",
        "encoding": "json",
        "body": dict(body),
    }


def _analysis(index: int, finding: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "report",
        "dialog": index,
        "vendor": VENDOR,
        "product": "audio check",
        "schema": "callwarden-finding",
        "mediatype": "application/json",
        "encoding": "json",
        "body": dict(finding),
    }


def build(
    detail: Mapping[str, Any],
    consent: Mapping[str, Any],
    recordings: Sequence[RecordingPart],
    created_at: datetime,
) -> dict[str, Any]:
    """The vCon of one call: `detail` and `consent` as `calls.ledger` gives them."""
    parties = list(detail["parties"])
    dialog = [_dialog(part, parties) for part in recordings]
    if not dialog:
        dialog.append(
            {
                "type": "incomplete",
                "start": detail["started_at"],
                "parties": list(range(len(parties))),
                "disposition": "failed",
                "state": f"not recorded (decision: {detail['record']})",
            }
        )
    analysis = [
        _analysis(index, finding)
        for index, part in enumerate(recordings)
        for finding in part.findings
    ]
    return {
        "vcon": VCON_VERSION,
        "uuid": vcon_uuid(detail["call_id"]),
        "created_at": created_at.isoformat(),
        "subject": f"call {detail['call_id']} ({detail['direction']})",
        "extensions": EXTENSIONS,
        "parties": [_party(party) for party in parties],
        "dialog": dialog,
        "attachments": [
            _attachment("callwarden-decision", detail["started_at"], detail["decision"]),
            _attachment("callwarden-consent-evidence", detail["started_at"], consent),
        ],
        "analysis": analysis,
    }
