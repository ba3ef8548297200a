"""Chain math, pure: how an audit event's hash is made and how a chain is checked.

Each event's hash is SHA-256 over the previous event's hash and a canonical JSON rendering of the
event's content (sequence number included). Editing an event changes its hash; deleting or
reordering events breaks the `prev_hash` links or the sequence; so re-walking the chain from the
genesis finds the first event that does not verify.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
MOMENT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # an event's moment in its hashed content, always UTC
# json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False), made once: dumps
# builds an encoder per call, which showed when a report walks a quarter's events.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """The fields of an audit event that the hash covers, plus the stored links."""

    seq: int
    occurred_at: datetime
    actor: str
    action: str
    target: str
    reason: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_content(
    seq: int,
    occurred_at: datetime,
    actor: str,
    action: str,
    target: str,
    reason: str | None,
    data: dict[str, Any],
) -> bytes:
    """A byte rendering of an event that is the same on every database and Python version."""
    moment = occurred_at.astimezone(UTC).strftime(MOMENT_FORMAT)
    return content_at(seq, moment, actor, action, target, reason, data)


def content_at(
    seq: int,
    moment: str,
    actor: str,
    action: str,
    target: str,
    reason: str | None,
    data: dict[str, Any],
) -> bytes:
    """`canonical_content` with the moment already written as `MOMENT_FORMAT` (UTC): a reader
    of many stored events (a period's stretch of the chain) spells it from the stored text."""
    document = {
        "seq": seq,
        "occurred_at": moment,
        "actor": actor,
        "action": action,
        "target": target,
        "reason": reason,
        "data": data,
    }
    return _CANONICAL.encode(document).encode()


def link_hash(prev_hash: str, content: bytes) -> str:
    """The hash of an event: previous hash and content, domain-separated."""
    digest = hashlib.sha256()
    digest.update(b"callwarden-audit-v1\n")
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(content)
    return digest.hexdigest()


def entry_hash(entry: ChainEntry) -> str:
    """Recompute what `entry.hash` should be from its content and stored `prev_hash`."""
    content = canonical_content(
        entry.seq,
        entry.occurred_at,
        entry.actor,
        entry.action,
        entry.target,
        entry.reason,
        entry.data,
    )
    return link_hash(entry.prev_hash, content)


@dataclass(frozen=True, slots=True)
class ChainReport:
    """Outcome of walking a chain: how far it verified and, if not, where and why it broke."""

    checked: int
    last_seq: int
    last_hash: str
    broken_at: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def walk(
    entries: Iterable[ChainEntry],
    head_seq: int | None = None,
    head_hash: str | None = None,
    after: tuple[int, str] = (0, GENESIS_HASH),
) -> ChainReport:
    """Verify entries in `seq` order; stop at the first that does not verify.

    `head_seq`/`head_hash` (the stored chain head) let the walk notice events deleted from the end.
    `after` is the (seq, hash) the entries follow: the genesis, or a trusted point part-way
    (a signed checkpoint) when only the events since it are walked.
    """
    expected_seq = after[0] + 1
    expected_prev = after[1]
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            what = "missing (deleted?)" if entry.seq > expected_seq else "out of order"
            return ChainReport(
                checked,
                expected_seq - 1,
                expected_prev,
                expected_seq,
                f"event {expected_seq} is {what}; found event {entry.seq} in its place",
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(
                checked,
                expected_seq - 1,
                expected_prev,
                entry.seq,
                f"event {entry.seq} does not follow event {entry.seq - 1} "
                "(its prev_hash does not match: reordered or replaced)",
            )
        if entry_hash(entry) != entry.hash:
            return ChainReport(
                checked,
                expected_seq - 1,
                expected_prev,
                entry.seq,
                f"event {entry.seq} content does not match its hash (edited)",
            )
        checked += 1
        expected_seq += 1
        expected_prev = entry.hash
    last_seq = expected_seq - 1
    if head_seq is not None and (head_seq != last_seq or head_hash != expected_prev):
        return ChainReport(
            checked,
            last_seq,
            expected_prev,
            last_seq + 1,
            f"the chain head names event {head_seq} but the trail ends at event "
            f"{last_seq} (events deleted from the end?)",
        )
    return ChainReport(checked, last_seq, expected_prev)
