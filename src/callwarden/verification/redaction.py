"""Automatic redaction of keypresses left in a recording (card or account digits).

The stray spans are overwritten with silence in a copy written back in the recording's own
format; detection runs again on the copy and must find none of them; the copy is sealed under a
new data key as a new object. The row then points at it, the original upload's hash stays on the
row (`original_sha256`), the audit trail records both hashes and the spans, and the old object is
deleted once the change has committed.
"""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from callwarden.analysis import Span, decode, detect_dtmf, redact_spans, write
from callwarden.audit import service as audit
from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput
from callwarden.kit.ids import new_id
from callwarden.models import DataKey, Recording
from callwarden.recordings.playback import stream
from callwarden.vault.format import new_data_key
from callwarden.vault.runtime import Vault
from callwarden.vault.sealing import Sealer

PAD_S = 0.04


@dataclass(frozen=True)
class Redacted:
    object_key: str
    sha256: str
    size: int
    ciphertext_size: int
    wrapped: str
    spans: list[list[float]]


def redact(
    vault: Vault, recording: Recording, wrapped: str, spans: list[list[float]], spool_dir: Path
) -> Redacted:
    """Write, verify and seal a copy with the [start, end, channel] spans silenced."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=spool_dir, prefix=".redact-") as work:
        original = Path(work) / f"original.{recording.format}"
        with original.open("wb") as handle:
            for piece in stream(vault, recording, wrapped, None):
                handle.write(piece)
        audio = decode(original)
        for start, end, channel in spans:
            audio = redact_spans(
                audio, [Span(max(0.0, start - PAD_S), end + PAD_S)], channels=[int(channel)]
            )
        cleaned = Path(work) / f"redacted.{recording.format}"
        write(audio, cleaned)
        left = [
            k
            for k in detect_dtmf(decode(cleaned))
            if any(start - PAD_S <= k.start_s <= end + PAD_S for start, end, _channel in spans)
        ]
        if left:
            raise InvalidInput(
                f"redaction left {len(left)} keypress(es) detectable; the recording is unchanged"
            )
        body = cleaned.read_bytes()
    replacement_id = new_id("red")
    object_key = f"recordings/redacted/{recording.id}-{replacement_id}.cwv"
    data_key = new_data_key()
    sealer = Sealer(data_key, recording.id)
    vault.store.put(object_key, sealer.seal([body]))
    assert sealer.result is not None
    return Redacted(
        object_key,
        hashlib.sha256(body).hexdigest(),
        len(body),
        sealer.result.ciphertext_size,
        vault.wrapper.wrap(data_key).encode(),
        spans,
    )


def apply(
    session: Session, vault: Vault, principal: Principal, recording: Recording, redacted: Redacted
) -> None:
    """Point the row at the redacted object (in the caller's transaction) and audit it."""
    previous_key, previous_sha = recording.object_key, recording.sha256
    recording.object_key = redacted.object_key
    recording.sha256 = redacted.sha256
    recording.size = redacted.size
    recording.ciphertext_size = redacted.ciphertext_size
    key = session.get(DataKey, recording.id)
    assert key is not None
    key.wrapped = redacted.wrapped
    key.kek_version = int(redacted.wrapped.split(":")[1])
    audit.record(
        session,
        actor=principal.actor,
        action="recording.redacted",
        target=f"recording:{recording.id}",
        reason="keypresses outside consent prompts (possible card data)",
        data={
            "previous_sha256": previous_sha,
            "sha256": redacted.sha256,
            "original_upload_sha256": recording.original_sha256,
            "spans": redacted.spans,
        },
    )

    @event.listens_for(session, "after_commit", once=True)
    def _drop_old_object(_session: Session) -> None:
        vault.store.delete(previous_key)
