"""Writing signed checkpoints of the audit chain, and verifying the chain against them.

Who writes them:
- the writer whose commit added an N-th event (`CALLWARDEN_AUDIT_CHECKPOINT_EVERY`) signs it
  right after the commit (a hook on the `Database`, attached by `attach`), outside the database's
  write lock;
- the `audit.checkpoint` job, every `CALLWARDEN_AUDIT_CHECKPOINT_MINUTES`, signs the head when
  the chain has grown, and first any N-th event after the newest checkpoint that a crash between
  commit and signing left unsigned. It never fills a gap below the newest checkpoint, nor signs
  old events when there is no checkpoint at all: that is what deleted checkpoints look like, and
  `audit verify` must keep saying so. `callwarden init` signs the existing chain once, when it
  creates the key; `callwarden audit checkpoint --backfill` does so on purpose (and is audited).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.audit import repository
from callwarden.audit.chain import ChainEntry, walk
from callwarden.audit.checkpoint_logs import CheckpointLog, open_checkpoint_log
from callwarden.audit.checkpoints import (
    StoredCheckpoint,
    TrailReport,
    check_against_checkpoints,
    parse_checkpoint,
    sign_checkpoint,
)
from callwarden.audit.service import APPENDED, as_entry
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.models import AuditEvent
from callwarden.signing import load_signing_key, signing_key_configured

log = logging.getLogger(__name__)
_keys: dict[str, Ed25519PrivateKey] = {}


def _signing_key(settings: Settings) -> Ed25519PrivateKey | None:
    """The signing key, loaded once per process; None (logged) on a node without one."""
    where = settings.signing_key or str(settings.signing_key_path.resolve())
    if where not in _keys:
        if not signing_key_configured(settings):
            log.warning("no signing key (run `callwarden init`): audit checkpoints not written")
            return None
        _keys[where] = load_signing_key(settings)
    return _keys[where]


def attach(db: Database, settings: Settings) -> None:
    """Sign every N-th event right after the commit that wrote it (idempotent per database)."""
    if any(getattr(hook, "signs_audit_checkpoints", False) for hook in db.after_commit):
        return

    def sign_crossed(info: dict[Any, Any]) -> None:
        appended: list[tuple[int, str]] = info.pop(APPENDED, [])
        every = settings.audit_checkpoint_every
        due = [(seq, hash_) for seq, hash_ in appended if seq % every == 0]
        key = _signing_key(settings) if due else None
        if key is None:
            return
        checkpoints = open_checkpoint_log(settings)
        for seq, hash_ in due:
            checkpoints.append(sign_checkpoint(key, seq, hash_, every=every))

    sign_crossed.signs_audit_checkpoints = True  # type: ignore[attr-defined]
    db.after_commit.append(sign_crossed)


def _hashes(session: Session, seqs: list[int], batch: int = 500) -> dict[int, str]:
    """The stored hashes at these seqs, a bounded number of bound parameters at a time."""
    hashes: dict[int, str] = {}
    for start in range(0, len(seqs), batch):
        wanted = seqs[start : start + batch]
        query = select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(wanted))
        hashes.update((int(seq), str(hash_)) for seq, hash_ in session.execute(query))
    return hashes


def write_due(db: Database, settings: Settings, *, everything: bool = False) -> int:
    """Sign what is due: unsigned N-th events after the newest checkpoint, then the head if it
    moved past it. `everything` (init, when it creates the key) signs every N-th event."""
    key = _signing_key(settings)
    if key is None:
        return 0
    checkpoints = open_checkpoint_log(settings)
    latest, every = checkpoints.latest_seq(), settings.audit_checkpoint_every
    signed = _seqs(checkpoints.read()) if everything else set()
    with db.reading() as session:
        head = repository.read_head(session)
        if head is None or (head.seq <= latest and not everything):
            return 0
        head_seq = head.seq
        if everything:
            due = [seq for seq in range(every, head_seq + 1, every) if seq not in signed]
        elif latest > 0:  # no checkpoint at all looks like deleted ones: never backfill then
            due = list(range((latest // every + 1) * every, head_seq, every))
        else:
            due = []
        if head_seq not in signed and head_seq not in due and head_seq > latest:
            due.append(head_seq)
        hashes = _hashes(session, due)
    for seq in due:
        checkpoints.append(sign_checkpoint(key, seq, hashes[seq], every=every))
    return len(due)


def public_key_for(settings: Settings) -> Ed25519PublicKey | None:
    """The public half of this node's signing key, or None where the node has none (a key
    that is configured but unreadable is an error, said as such)."""
    if not signing_key_configured(settings):
        return None
    key = _signing_key(settings)
    return None if key is None else key.public_key()


def verify_stored(
    session: Session,
    settings: Settings,
    public: Ed25519PublicKey | None = None,
    on_start: Callable[[int], None] | None = None,
    on_event: Callable[[], None] | None = None,
) -> TrailReport:
    """Walk the stored chain and hold it to the checkpoints (read first: they only lag)."""
    stored = open_checkpoint_log(settings).read()
    head = repository.read_head(session)
    if on_start is not None:
        on_start(head.seq if head else 0)

    def entries() -> Iterator[ChainEntry]:
        for row in repository.iterate_all(session):
            if on_event is not None:
                on_event()
            yield as_entry(row)

    wanted = _seqs(stored)
    hashes: dict[int, str] = {}
    chain = walk(
        _noting(entries(), wanted, hashes),
        head_seq=head.seq if head else None,
        head_hash=head.hash if head else None,
    )
    key = public or public_key_for(settings)
    return check_against_checkpoints(chain, hashes, stored, key, settings.audit_checkpoint_every)


def verify_since_checkpoint(
    session: Session, settings: Settings, public: Ed25519PublicKey | None = None
) -> TrailReport | None:
    """The chain held to its signed checkpoints, walking only the events after the newest one;
    None where there is nothing to start from (no key to check signatures with, or no
    checkpoint the trail reaches), and the caller walks from the genesis instead.

    A daily check cannot re-hash millions of events. This one checks the newest checkpoint's
    signature (and those of any beyond the head) and compares the stored hash at every
    checkpointed event with the signed one: a rewrite anywhere that keeps the chain consistent
    (an event changed and every later hash recomputed) changes the newest checkpointed hash, so
    it is found, as are a truncation and a missing checkpoint; it counts the events up to the newest
    checkpoint (one deleted or slipped in there changes the count: then the full walk runs and
    says where); then it walks the events since, the stretch no signature covers yet. What only
    a walk from the genesis sees, an old event's content edited in place with its hash left as
    it was, or a forged older checkpoint, `callwarden audit verify` (and the auditors'
    package) still catch.
    """
    key = public or public_key_for(settings)
    stored = open_checkpoint_log(settings).read()
    head = repository.read_head(session)
    if key is None or not stored or head is None:
        return None
    seqs = _seqs(stored)
    reached = [seq for seq in seqs if seq <= head.seq]
    if not reached:
        return None
    anchor = max(reached)
    if repository.count_up_to(session, anchor) != anchor:
        return None  # events deleted (or added) in the signed stretch: the full walk says where
    hashes = _hashes(session, sorted(seqs))
    if anchor not in hashes:
        return None
    tail = walk(
        (as_entry(row) for row in repository.iterate_all(session, after=anchor)),
        head_seq=head.seq,
        head_hash=head.hash,
        after=(anchor, hashes[anchor]),
    )
    every = settings.audit_checkpoint_every
    return check_against_checkpoints(tail, hashes, stored, key, every, signatures_from=anchor)


def verify_exported(
    events: Iterable[ChainEntry],
    stored: list[StoredCheckpoint],
    public: Ed25519PublicKey,
    every: int,
) -> TrailReport:
    """An export and its checkpoints, offline: no database, only the public key."""
    hashes: dict[int, str] = {}
    chain = walk(_noting(events, _seqs(stored), hashes))
    return check_against_checkpoints(chain, hashes, stored, public, every)


def _seqs(stored: list[StoredCheckpoint]) -> set[int]:
    seqs: set[int] = set()
    for item in stored:
        try:
            seqs.add(parse_checkpoint(item.text).seq)
        except ValueError:
            continue  # reported as forged by the check
    return seqs


def _noting(
    entries: Iterable[ChainEntry], wanted: set[int], hashes: dict[int, str]
) -> Iterator[ChainEntry]:
    """Pass entries through, keeping the hashes at the checkpointed seqs."""
    for entry in entries:
        if entry.seq in wanted:
            hashes[entry.seq] = entry.hash
        yield entry


def checkpoints_up_to(settings: Settings, last_seq: int) -> list[str]:
    """The checkpoint lines an export of events 1..last_seq carries alongside."""
    kept = []
    for item in open_checkpoint_log(settings).read():
        try:
            if parse_checkpoint(item.text).seq <= last_seq:
                kept.append(item.text)
        except ValueError:
            kept.append(item.text)  # the offline check names it
    return kept


__all__ = ["CheckpointLog", "attach", "verify_exported", "verify_stored", "write_due"]
