"""Integrity of stored recordings: every failure, wherever it is found, is kept and told.

Playback, export, `vault verify` and the audio check all find damage the same way (a sealed
object that does not authenticate, names another recording, is missing, or whose data key will
not unwrap), and all of them hand it here: the recording is marked damaged (`damaged_at`,
`damage`) and a `recording.damaged` event says who met it, doing what, and how many bytes had
been sent. Every full check stamps `verified_at` (so the rolling sample moves on, past damaged
ones too); one that passes on a recording marked damaged (say the object was restored from a
backup) clears the mark with a `recording.damage_cleared` event.

Decrypting a whole recording takes a while, so checks read their rows in a read-only
transaction, decrypt outside any transaction, and write the outcome in a short unit of work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Final

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import CallwardenError, NotFound
from callwarden.models import Recording
from callwarden.recordings import repository
from callwarden.vault.errors import KeyUnwrapError, MissingObject, VaultIntegrityError
from callwarden.vault.reading import verify
from callwarden.vault.runtime import Vault
from callwarden.vault.wrapping import WrappedKey

DAMAGED: Final = "recording.damaged"
CLEARED: Final = "recording.damage_cleared"
# What counts as damage: the object or its key no longer opens what the row describes.
INTEGRITY_FAILURES: Final = (VaultIntegrityError, KeyUnwrapError)


class RecordingDamaged(CallwardenError):
    """What a player is told when a recording fails its integrity check: the failure was
    audited and the recording marked damaged (`extra['failure']` names the kind of failure)."""

    status, code, title = 409, "recording_damaged", "Recording damaged"


def record_damage(
    session: Session,
    actor: str,
    recording_id: str,
    failure: CallwardenError,
    during: str,
    **data: Any,
) -> None:
    """Mark the recording damaged (keeping when it was first found) and audit the failure."""
    recording = repository.get(session, recording_id)
    if recording is None:
        return
    if recording.damaged_at is None:
        recording.damaged_at = clock.now()
    recording.damage = f"{failure.code}: {failure.detail}"[:1000]
    audit.record(
        session,
        actor=actor,
        action=DAMAGED,
        target=f"recording:{recording_id}",
        reason=failure.detail[:500],
        data={"during": during, "failure": failure.code, **data},
    )


def _record_pass(session: Session, actor: str, recording_id: str) -> None:
    recording = repository.get(session, recording_id)
    if recording is None:
        return
    if recording.damaged_at is not None:
        audit.record(
            session,
            actor=actor,
            action=CLEARED,
            target=f"recording:{recording_id}",
            reason="a full integrity check passed",
            data={"was": recording.damage, "damaged_at": recording.damaged_at.isoformat()},
        )
        recording.damaged_at = None
        recording.damage = None


def check(vault: Vault, recording: Recording, wrapped: str) -> None:
    """Decrypt every chunk and compare the hash and size with the row; raises on damage."""

    def read_at(offset: int, length: int) -> bytes:
        try:
            return vault.store.open_range(recording.object_key, offset, length)
        except NotFound:
            raise MissingObject(
                f"the vault holds no object {recording.object_key!r} for this recording"
            ) from None

    data_key = vault.unwrap(WrappedKey.decode(wrapped))
    verify(
        read_at,
        recording.ciphertext_size,
        data_key,
        recording.id,
        expected_sha256=recording.sha256,
        expected_size=recording.size,
    )


def least_recently_verified(session: Session, count: int) -> list[str]:
    """The rolling sample: never-verified recordings first, then the longest unverified."""
    return repository.least_recently_verified(session, count)


def every_recording(session: Session) -> list[str]:
    """Every recording whose key still exists (shredded ones have nothing left to check)."""
    return repository.every_openable(session)


@dataclass(frozen=True)
class Bad:
    recording_id: str
    failure: str  # the error code, e.g. vault_tampered_chunk
    reason: str


@dataclass
class VerifyReport:
    checked: int = 0
    bad: list[Bad] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # unknown ids, or keys destroyed

    @property
    def ok(self) -> bool:
        return not self.bad


def verify_recordings(
    db: Database,
    vault: Vault,
    recording_ids: Iterable[str],
    actor: str,
    on_checked: Callable[[str, Bad | None], None] | None = None,
) -> VerifyReport:
    """Check each recording fully; damage is marked and audited, passes stamp `verified_at`.

    The run itself is audited (`vault.verified`: how many were checked, which were bad), so a
    periodic check leaves evidence that it ran even when it found nothing.
    """
    report = VerifyReport()
    for recording_id in recording_ids:
        with db.reading() as session:
            found = repository.checkable(session, recording_id)
        if found is None:
            report.skipped.append(recording_id)
            continue
        recording, wrapped = found
        bad: Bad | None = None
        write: Callable[[Session, str, str], None]
        try:
            check(vault, recording, wrapped)
        except INTEGRITY_FAILURES as failure:
            bad = Bad(recording_id, failure.code, failure.detail)
            write = partial(record_damage, failure=failure, during="verify")
        else:
            write = _record_pass
        with db.unit_of_work() as session:
            checked = repository.get(session, recording_id)
            # Disposed of while it was being read (its object deleted under the check): that
            # is no damage, and a tombstone has nothing left to verify.
            gone = checked is None or checked.state != "stored"
            if checked is not None and not gone:
                write(session, actor, recording_id)
                checked.verified_at = clock.now()  # passed or not: the rolling sample moves on
        if gone:
            report.skipped.append(recording_id)
            continue
        report.checked += 1
        if bad is not None:
            report.bad.append(bad)
        if on_checked is not None:
            on_checked(recording_id, bad)
    with db.unit_of_work() as session:
        audit.record(
            session,
            actor=actor,
            action="vault.verified",
            target=f"vault:{vault.store_name}",
            data={
                "checked": report.checked,
                "damaged": [item.recording_id for item in report.bad],
                "skipped": report.skipped[:100],
            },
        )
    return report
