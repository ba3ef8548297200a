"""Signed checkpoints of the chain head, pure: how one is made and how a chain is held to them.

The hash chain alone shows that the trail is self-consistent, not that it is the trail that was
written: whoever can write the database can edit an event and recompute every later hash and the
head, or delete the last events and move the head back. A checkpoint is the statement "event
`seq` had hash `head_hash`", signed with a key the database never holds and kept outside it. One
is written for every N-th event (after the commit that wrote it) and for the head every few
minutes while the chain grows. Verifying the chain against them names:

- a forged checkpoint: unreadable, signed by another key, or with a bad signature;
- a rewritten tail: a checkpointed event whose hash is no longer the signed one;
- a truncation: a checkpoint of an event the trail no longer reaches;
- a missing checkpoint: an N-th event with none, although a later checkpoint exists or the
  chain has since grown by another N events (the newest may still be being written).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from callwarden.audit.chain import ChainReport
from callwarden.kit import clock
from callwarden.signing import canonical_json, key_id, sign_statement, statement_signed

KIND = "callwarden-audit-checkpoint"
_DOMAIN = b"callwarden-audit-checkpoint-v1\n"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One signed statement about the chain; `every` is the N in force when it was written."""

    seq: int
    head_hash: str
    signed_at: str
    key_id: str
    every: int
    signature: str

    def message(self) -> bytes:
        """Every field but the signature, canonical JSON (signed after the domain prefix)."""
        fields = {"kind": KIND, **asdict(self)}
        del fields["signature"]
        return canonical_json(fields)

    def to_json(self) -> str:
        return json.dumps({"kind": KIND, **asdict(self)}, sort_keys=True)


def sign_checkpoint(
    key: Ed25519PrivateKey, seq: int, head_hash: str, *, every: int, at: datetime | None = None
) -> Checkpoint:
    moment = (at or clock.now()).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    unsigned = Checkpoint(seq, head_hash, moment, key_id(key), every, "")
    signature = sign_statement(key, _DOMAIN, unsigned.message())
    return Checkpoint(seq, head_hash, moment, unsigned.key_id, every, signature)


def parse_checkpoint(text: str) -> Checkpoint:
    """A checkpoint from its JSON line; ValueError when it is not one."""
    try:
        document: dict[str, Any] = json.loads(text)
        if document.get("kind") != KIND:
            raise ValueError("not a callwarden audit checkpoint")
        seq, every = document["seq"], document["every"]
        if not isinstance(seq, int) or not isinstance(every, int) or seq < 1 or every < 1:
            raise ValueError("seq and every must be positive integers")
        return Checkpoint(
            seq,
            str(document["head_hash"]),
            str(document["signed_at"]),
            str(document["key_id"]),
            every,
            str(document["signature"]),
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"malformed checkpoint: {exc}") from None


def _signed_by(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    return statement_signed(public, checkpoint.signature, _DOMAIN, checkpoint.message())


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    """A checkpoint's text as read back, and where it came from (a file line, an S3 key)."""

    origin: str
    text: str


@dataclass(frozen=True, slots=True)
class TrailReport:
    """The chain's own verdict, then the checkpoints' (the first problem found wins)."""

    checked: int
    last_seq: int
    last_hash: str
    checkpoints_checked: int = 0
    last_checkpoint_seq: int | None = None
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_against_checkpoints(
    chain: ChainReport,
    hashes: Mapping[int, str],
    stored: Sequence[StoredCheckpoint],
    public: Ed25519PublicKey | None,
    every: int,
    signatures_from: int = 0,
) -> TrailReport:
    """Hold a walked chain to its checkpoints. `hashes` maps checkpointed seqs to the chain's
    hashes there; `every` is the N now in force (for the newest stretch of the chain).
    `signatures_from`: the signatures of checkpoints before this seq are not checked (one
    walking only the newest stretch trusts the newest checkpoint, which every consistent
    rewrite of an older event changes, and so checks one signature, not thousands)."""
    base = TrailReport(chain.checked, chain.last_seq, chain.last_hash)
    if not chain.ok:
        return _broken(base, chain.broken_at, chain.problem or "the chain does not verify")
    checkpoints: list[Checkpoint] = []
    for item in stored:
        try:
            checkpoint = parse_checkpoint(item.text)
        except ValueError as exc:
            return _broken(base, None, f"forged checkpoint: {item.origin} is unreadable ({exc})")
        if public is None:
            return _broken(
                base,
                checkpoint.seq,
                f"cannot check {len(stored)} signed checkpoints: this node has neither the "
                "signing key nor a public key (pass --public-key)",
            )
        if checkpoint.key_id != key_id(public):
            return _broken(
                base,
                checkpoint.seq,
                f"forged checkpoint: the checkpoint of event {checkpoint.seq} ({item.origin}) "
                f"is signed by unknown key {checkpoint.key_id}, not {key_id(public)}",
            )
        if checkpoint.seq >= signatures_from and not _signed_by(checkpoint, public):
            return _broken(
                base,
                checkpoint.seq,
                f"forged checkpoint: the checkpoint of event {checkpoint.seq} ({item.origin}) "
                "has a bad signature",
            )
        checkpoints.append(checkpoint)
    checkpoints.sort(key=lambda checkpoint: checkpoint.seq)
    checked = _with_counts(base, checkpoints)
    return (
        _rewritten(checked, hashes, checkpoints)
        or _truncated(checked, checkpoints)
        or (_missing(checked, checkpoints, every) or checked)
    )


def _with_counts(base: TrailReport, checkpoints: Sequence[Checkpoint]) -> TrailReport:
    last = checkpoints[-1].seq if checkpoints else None
    return TrailReport(base.checked, base.last_seq, base.last_hash, len(checkpoints), last)


def _broken(base: TrailReport, at: int | None, problem: str) -> TrailReport:
    return TrailReport(
        base.checked,
        base.last_seq,
        base.last_hash,
        base.checkpoints_checked,
        base.last_checkpoint_seq,
        at,
        problem,
    )


def _rewritten(
    base: TrailReport, hashes: Mapping[int, str], checkpoints: Sequence[Checkpoint]
) -> TrailReport | None:
    matched = 0
    for checkpoint in checkpoints:
        if checkpoint.seq > base.last_seq:
            return None
        if hashes.get(checkpoint.seq) != checkpoint.head_hash:
            span = f"{matched + 1}–{checkpoint.seq}"
            return _broken(
                base,
                checkpoint.seq,
                f"rewritten tail: event {checkpoint.seq} no longer has the hash signed in its "
                f"checkpoint of {checkpoint.signed_at}; an event in {span} was changed and "
                "every later hash recomputed",
            )
        matched = checkpoint.seq
    return None


def _truncated(base: TrailReport, checkpoints: Sequence[Checkpoint]) -> TrailReport | None:
    if not checkpoints or checkpoints[-1].seq <= base.last_seq:
        return None
    beyond = checkpoints[-1]
    return _broken(
        base,
        base.last_seq + 1,
        f"truncated: the checkpoint of {beyond.signed_at} records event {beyond.seq} but the "
        f"trail ends at event {base.last_seq} (events deleted from the end, the head moved back)",
    )


def _missing(
    base: TrailReport, checkpoints: Sequence[Checkpoint], every: int
) -> TrailReport | None:
    previous = 0
    for checkpoint in checkpoints:
        expected = (previous // checkpoint.every + 1) * checkpoint.every
        if expected < checkpoint.seq:
            return _no_checkpoint(base, expected, checkpoint.every)
        previous = checkpoint.seq
    expected = (previous // every + 1) * every
    if expected + every <= base.last_seq:
        return _no_checkpoint(base, expected, every)
    return None


def _no_checkpoint(base: TrailReport, seq: int, every: int) -> TrailReport:
    return _broken(
        base,
        seq,
        f"missing checkpoint: none for event {seq} (one is signed every {every} events; the "
        f"trail has {base.last_seq}): checkpoints were deleted or never written",
    )


def signed_by(checkpoint: Checkpoint, public: Ed25519PublicKey) -> bool:
    """Whether `public` signed this checkpoint (for checking a stretch of the chain on its
    own, as the compliance report does for its period)."""
    return _signed_by(checkpoint, public)
