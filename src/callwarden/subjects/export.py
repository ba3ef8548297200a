"""The access export: a zip with one vCon per call, the decrypted audio, and a manifest.

The audio is read through the same code a recording's download uses (`recordings.service.
open_audio` with `export=True`: the same access rules, the same integrity checks, an access
event per recording), and goes straight from the vault into the zip the caller gives; it is never
written anywhere else. Member names are made from our own ids only, checked against a strict
pattern, so nothing in a name can climb out of the archive. `manifest.json` lists the sha256 of
every other member.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden
from callwarden.recordings import service as recordings
from callwarden.subjects import service
from callwarden.subjects.deadlines import NOT_LEGAL_ADVICE
from callwarden.vault.runtime import Vault

_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
_SAFE_FORMAT = re.compile(r"^[a-z0-9]{1,8}$")


def member(folder: str, identifier: str, suffix: str) -> str:
    """`folder/identifier.suffix`, or Conflict if the id or suffix is not plain (never)."""
    if not _SAFE_ID.match(identifier) or not _SAFE_FORMAT.match(suffix):
        raise Conflict(f"refusing an archive member for id {identifier[:40]!r}")
    return f"{folder}/{identifier}.{suffix}"


class _Writer:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.files: list[dict[str, Any]] = []

    def write(self, name: str, pieces: Iterable[bytes]) -> str:
        digest, size = hashlib.sha256(), 0
        with self.archive.open(name, "w", force_zip64=True) as target:
            for piece in pieces:
                target.write(piece)
                digest.update(piece)
                size += len(piece)
        self.files.append({"name": name, "sha256": digest.hexdigest(), "size": size})
        return digest.hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode()


def export(
    session: Session,
    principal: Principal,
    vault_of: Callable[[], Vault],
    request_id: str,
    into: IO[bytes],
) -> dict[str, Any]:
    """Write the access export of an open access request into `into`; the manifest.

    `vault_of` opens the vault, once a recording is to be read (a request that finds no
    audio needs no key ring)."""
    request = service.working(session, principal, request_id)
    if request.kind != "access":
        raise Conflict(f"subject request {request_id} is an erasure: it has no export")
    found = service.gather(session, list(request.numbers))
    reason = f"data-subject access request {request.id}"
    withheld: list[dict[str, str]] = []
    audio_names: dict[str, str] = {}
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        writer = _Writer(archive)
        for row in found.recordings:
            if row.state != "stored":
                withheld.append({"recording_id": row.id, "why": f"recording is {row.state}"})
                continue
            name = member("audio", row.id, row.format)
            try:
                playback = recordings.open_audio(
                    session, vault_of(), principal, row.id, reason, None, export=True
                )
            except (Forbidden, Conflict) as refused:
                withheld.append({"recording_id": row.id, "why": refused.detail})
                continue
            recordings.record_playback(session, principal, playback)
            writer.write(name, playback.body)
            audio_names[row.id] = name
        for call in found.calls:
            document = service.vcon_of(session, call, found.recordings, audio_names)
            writer.write(member("vcon", call.id, "json"), [_json(document)])
        manifest = {
            "request_id": request.id,
            "numbers": request.numbers,
            "created_at": clock.now().isoformat(),
            "files": writer.files,
            "withheld": withheld,
            "notice": NOT_LEGAL_ADVICE,
        }
        archive.writestr("manifest.json", _json(manifest))
    manifest_sha256 = hashlib.sha256(_json(manifest)).hexdigest()
    audit.record(
        session,
        actor=principal.actor,
        action="subject_request.exported",
        target=f"subject_request:{request.id}",
        reason=reason,
        data={
            "calls": len(found.calls),
            "recordings": len(audio_names),
            "withheld": withheld,
            "manifest_sha256": manifest_sha256,
        },
    )
    return manifest
