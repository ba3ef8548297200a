"""Intake: a streamed upload becomes a sealed, indexed recording — or a refusal on record.

Order matters for durability: the sealed object is written (and fsynced) before its row
commits, so an acknowledged upload is complete; a crash in between leaves only an object with
no row, which the orphan sweeper removes after a grace period. Anything refused — by the
consent ledger, the format check, the size limit — leaves no object and no row behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import service as calls
from callwarden.calls.admission import Admission
from callwarden.db import Database
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.recordings import indexing, repository
from callwarden.recordings.schemas import describe
from callwarden.recordings.upload import IntakeRequest, SealedAudio, check_repeat
from callwarden.vault.format import new_data_key
from callwarden.vault.media import MediaSniffer
from callwarden.vault.runtime import Vault
from callwarden.vault.sealing import Sealer
from callwarden.vault.trimming import trim


class RecordingRefused(Conflict):
    """The consent ledger does not let this recording be kept (the refusal is audited)."""

    code = "recording_refused"
    title = "Recording refused"


@dataclass(frozen=True)
class IntakeResult:
    """The recording as described to the client; `created` is False for a repeated key."""

    recording: dict[str, Any]
    created: bool


def stored_under(session: Session, call_id: str, idempotency_key: str) -> str | None:
    """The id of the recording already stored for this call under this key, if any."""
    existing = repository.by_idempotency_key(session, call_id, idempotency_key)
    return existing.id if existing is not None else None


def ingest(
    db: Database,
    vault: Vault,
    principal: Principal,
    request: IntakeRequest,
    pieces: Iterable[bytes],
    spool_dir: Path,
) -> IntakeResult:
    """Admit, seal, store and index one recording (the blocking half of an upload)."""
    require(principal, "recordings.ingest")
    with db.reading() as session:
        # A recording refers to its call, so a key stored before means the call exists.
        existing = repository.by_idempotency_key(session, request.call_id, request.idempotency_key)
        if existing is not None:  # a retry, or the key reused for another upload
            check_repeat(existing, request, _digest(pieces))
            return IntakeResult(describe(existing), False)
        ledger = calls.admit_recording(session, request.call_id, request.started_at)
        if ledger is None:
            raise NotFound(f"no call {request.call_id!r}")
        call, start, admission = ledger.call, ledger.started_at, ledger.admission
        prepared = indexing.prepare(session, call, request, start) if admission.allowed else None
    if prepared is None:
        _drain(pieces)
        _refuse(db, principal, request, admission)
    recording_id = new_id("rec")
    object_key = f"recordings/{clock.now():%Y/%m}/{recording_id}.cwv"
    data_key = new_data_key()
    stored = _store(vault, recording_id, object_key, data_key, pieces, admission, spool_dir)
    try:
        indexing.check_channels(request, stored.info.channels)
        with db.unit_of_work() as session:
            recording = indexing.index(
                session,
                principal,
                request,
                stored,
                recording_id,
                object_key,
                vault.wrapper.wrap(data_key),
                vault.store_name,
                prepared,
                admission,
            )
            described = describe(recording)
        return IntakeResult(described, True)
    except IntegrityError:  # the same key stored meanwhile by a concurrent upload?
        vault.store.delete(object_key)
        with db.reading() as session:
            existing = repository.by_idempotency_key(
                session, request.call_id, request.idempotency_key
            )
            if existing is None:
                raise
            check_repeat(existing, request, stored.original_sha256)
            return IntakeResult(describe(existing), False)
    except BaseException:
        vault.store.delete(object_key)
        raise


def _drain(pieces: Iterable[bytes]) -> None:
    for _ in pieces:
        pass


def _digest(pieces: Iterable[bytes]) -> str:
    """The SHA-256 of a repeated upload's body, read to the end and kept nowhere."""
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    return digest.hexdigest()


def _refuse(
    db: Database, principal: Principal, request: IntakeRequest, admission: Admission
) -> NoReturn:
    with db.separate_unit_of_work("a refused upload is kept while the request fails") as session:
        audit.record(
            session,
            actor=principal.actor,
            action="recording.discarded" if admission.discard else "recording.refused",
            target=f"call:{request.call_id}",
            reason=admission.reason,
            data={"idempotency_key": request.idempotency_key, "source": request.source},
        )
    raise RecordingRefused(admission.reason)


def _tap(pieces: Iterable[bytes], sniffer: MediaSniffer) -> Iterator[bytes]:
    first = True
    for piece in pieces:
        if not piece:
            continue
        sniffer.feed(piece)
        if first:
            sniffer.check_start()
            first = False
        yield piece


def _store(
    vault: Vault,
    recording_id: str,
    object_key: str,
    data_key: bytes,
    pieces: Iterable[bytes],
    admission: Admission,
    spool_dir: Path,
) -> SealedAudio:
    sniffer = MediaSniffer()
    if admission.trim_to_s is None:
        sealer = Sealer(data_key, recording_id, max_plaintext_size=vault.max_recording_bytes)
        vault.store.put(object_key, sealer.seal(_tap(pieces, sniffer)))
        assert sealer.result is not None
        try:
            info = sniffer.info()
        except InvalidInput:
            vault.store.delete(object_key)
            raise
        result = sealer.result
        return SealedAudio(
            info,
            result.plaintext_sha256,
            result.plaintext_size,
            result.ciphertext_size,
            result.plaintext_sha256,
            result.plaintext_size,
            None,
        )
    return _store_trimmed(
        vault, recording_id, object_key, data_key, pieces, admission.trim_to_s, spool_dir, sniffer
    )


def _store_trimmed(
    vault: Vault,
    recording_id: str,
    object_key: str,
    data_key: bytes,
    pieces: Iterable[bytes],
    keep_s: float,
    spool_dir: Path,
    sniffer: MediaSniffer,
) -> SealedAudio:
    """Spool the upload (on disk, never in memory), cut it, and seal only the kept part."""
    spool_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".intake-", dir=spool_dir))
    try:
        original = work / "original"
        digest, size = hashlib.sha256(), 0
        with original.open("wb") as spool:
            for piece in _tap(pieces, sniffer):
                size += len(piece)
                if size > vault.max_recording_bytes:
                    raise InvalidInput(
                        f"recording exceeds the {vault.max_recording_bytes}-byte limit"
                    )
                digest.update(piece)
                spool.write(piece)
        kind = sniffer.info().format
        source, target = original.rename(work / f"original.{kind}"), work / f"kept.{kind}"
        duration = trim(source, target, keep_s)
        kept_sniffer, sealer = MediaSniffer(), Sealer(data_key, recording_id)
        with target.open("rb") as handle:
            chunks = iter(lambda: handle.read(1 << 20), b"")
            vault.store.put(object_key, sealer.seal(_tap(chunks, kept_sniffer)))
        assert sealer.result is not None
        result = sealer.result
        return SealedAudio(
            kept_sniffer.info(),
            result.plaintext_sha256,
            result.plaintext_size,
            result.ciphertext_size,
            digest.hexdigest(),
            size,
            round(duration, 3),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
