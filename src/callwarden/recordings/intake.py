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
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy.exc import IntegrityError

from callwarden.audit import service as audit
from callwarden.calls import repository as calls
from callwarden.db import Database
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.vault import indexing
from callwarden.vault.admission import LEDGER_KINDS, Admission, admit, recording_start_time
from callwarden.vault.format import new_data_key
from callwarden.vault.idempotency import check_repeat
from callwarden.vault.media import MediaInfo, MediaSniffer
from callwarden.vault.runtime import Vault
from callwarden.vault.sealing import Sealer
from callwarden.vault.trimming import trim
from callwarden.vault.views import describe


@dataclass(frozen=True)
class IntakeRequest:
    call_id: str
    idempotency_key: str
    source: str = "upload"
    channel_map: tuple[str, ...] = ()
    started_at: datetime | None = None
    agent: str | None = None
    private: bool = False


class RecordingRefused(Conflict):
    code = "recording_refused"
    title = "Recording refused"


@dataclass(frozen=True)
class IntakeResult:
    recording: dict[str, Any]
    created: bool


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
        call = calls.snapshot(session, request.call_id)
        if call is None:
            raise NotFound(f"no call {request.call_id!r}")
        existing = indexing.by_idempotency_key(session, request.call_id, request.idempotency_key)
        if existing is not None:  # a retry, or the key reused for another upload
            check_repeat(existing, request, _digest(pieces))
            return IntakeResult(describe(existing), False)
        events = calls.accepted_events(session, call.id, LEDGER_KINDS)
        start = recording_start_time(events, request.started_at, call.started_at)
        admission = admit(call, events, start)
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
            existing = indexing.by_idempotency_key(
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
    with db.unit_of_work() as session:
        audit.record(
            session,
            actor=principal.actor,
            action="recording.discarded" if admission.discard else "recording.refused",
            target=f"call:{request.call_id}",
            reason=admission.reason,
            data={"idempotency_key": request.idempotency_key, "source": request.source},
        )
    raise RecordingRefused(admission.reason)


@dataclass(frozen=True)
class Stored:
    info: MediaInfo
    sha256: str
    size: int
    ciphertext_size: int
    original_sha256: str
    original_size: int
    trimmed_to_s: float | None


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
) -> Stored:
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
        return Stored(
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
) -> Stored:
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
        return Stored(
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
