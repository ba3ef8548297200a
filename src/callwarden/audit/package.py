"""The evidence package for external auditors: one zip an outsider verifies without trusting us.

What makes it checkable rather than a pile of exports:
- the period's audit events are a contiguous stretch of the one chain, with its anchors at both
  ends (the hash before the first event, the hash of the last), so they tie into the whole trail
  and a removed or reordered event shows;
- the signed checkpoints inside that stretch, and the public key, so the chain is held to
  statements signed outside the database;
- `manifest.json` lists every member with its sha256 and size and is signed with the same
  Ed25519 key as the checkpoints: a changed byte anywhere shows;
- `verify.py` (`package_verify.py`, shipped verbatim) checks all of it with the standard library
  and `cryptography`, naming the first bad element.

The zip is written member by member into a temporary file beside the target (nothing is held in
memory but one batch of rows) and moved into place only when complete. Member names are ours,
never taken from data, so nothing in a row can name a path.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from callwarden.audit import package_evidence as evidence
from callwarden.audit import repository
from callwarden.audit.chain import GENESIS_HASH
from callwarden.audit.checkpoint_logs import open_checkpoint_log
from callwarden.audit.checkpoints import parse_checkpoint
from callwarden.audit.package_readme import README
from callwarden.audit.service import event_dict, record
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.models import AuditEvent
from callwarden.signing import (
    canonical_json,
    key_id,
    load_signing_key,
    public_key_pem,
    sign_statement,
)

FORMAT = "callwarden-audit-package"
DOMAIN = b"callwarden-audit-package-v1\n"
MANIFEST = "manifest.json"
BUILT = "audit.package_built"
CHECK_RUNS = "checks/runs.jsonl"
CHECK_FINDINGS = "checks/findings.jsonl"
VERIFIER = Path(__file__).with_name("package_verify.py")


@dataclass(frozen=True, slots=True)
class Built:
    """What went into a package (for the command's summary and its audit event)."""

    events: int
    first_seq: int
    last_seq: int
    checkpoints: int
    certificates: int
    check_runs: int  # runs over an overlapping period
    check_findings: int
    members: int
    manifest_sha256: str


class _Member:
    """One member being written: counts and hashes the bytes on their way into the zip."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle, self.digest, self.size = handle, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.digest.update(data)
        self.size += len(data)


def _lines(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    for row in rows:
        yield (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode()


def _span(session: Session, start: datetime, end: datetime) -> tuple[int, int, str, str]:
    """(first seq, last seq, start anchor, end anchor) of the period's stretch of the chain."""
    in_period = (AuditEvent.occurred_at >= start, AuditEvent.occurred_at < end)
    first, last = session.execute(
        select(func.min(AuditEvent.seq), func.max(AuditEvent.seq)).where(*in_period)
    ).one()
    if first is None:  # empty: both anchors are the hash of the last event before the period
        before = session.execute(
            select(func.max(AuditEvent.seq)).where(AuditEvent.occurred_at < start)
        ).scalar()
        row = repository.get_event(session, int(before)) if before is not None else None
        anchor = row.hash if row is not None else GENESIS_HASH
        seq = row.seq if row is not None else 0
        return seq + 1, seq, anchor, anchor
    first_row = repository.get_event(session, int(first))
    last_row = repository.get_event(session, int(last))
    assert first_row is not None and last_row is not None
    return int(first), int(last), first_row.prev_hash, last_row.hash


def deliver(
    db: Database, settings: Settings, actor: str, start: datetime, end: datetime, handle: IO[bytes]
) -> Built:
    """Write the package for [start, end) to `handle` in one read snapshot, then audit that it
    was handed out (the command and the route both come here)."""
    if end <= start:
        raise InvalidInput("the period's end must be after its start")
    key = load_signing_key(settings)
    lines = [item.text for item in open_checkpoint_log(settings).read()]
    with db.reading() as session:
        built = build(session, key, lines, start, end, handle)
    with db.unit_of_work() as session:  # handing evidence out is itself a fact to keep
        record(
            session,
            actor=actor,
            action=BUILT,
            target="audit:package",
            data={
                "from": evidence.moment(start),
                "to": evidence.moment(end),
                "first_seq": built.first_seq,
                "last_seq": built.last_seq,
                "manifest_sha256": built.manifest_sha256,
            },
        )
    return built


def deliver_file(
    db: Database, settings: Settings, actor: str, start: datetime, end: datetime, output: Path
) -> Built:
    """The package as a file, written beside `output` and moved into place once complete."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            built = deliver(db, settings, actor, start, end, handle)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return built


def build(
    session: Session,
    key: Ed25519PrivateKey,
    checkpoint_lines: list[str],
    start: datetime,
    end: datetime,
    handle: IO[bytes],
) -> Built:
    """Write the package for [start, end) to `handle`, member by member."""
    if end <= start:
        raise InvalidInput("the period's end must be after its start")
    first, last, start_anchor, end_anchor = _span(session, start, end)
    kept = []
    for text in checkpoint_lines:
        try:
            checkpoint = parse_checkpoint(text)
        except ValueError:
            continue  # the package states only what we signed
        if first - 1 <= checkpoint.seq <= last and checkpoint.seq >= 1:
            kept.append((checkpoint.seq, checkpoint.to_json()))
    kept.sort()
    sweeps = evidence.sweeps(session, start, end)
    checks = evidence.check_counts(session, start, end)
    period = {
        "from": evidence.moment(start),
        "to": evidence.moment(end),
        "first_seq": first,
        "last_seq": last,
        "start_anchor": start_anchor,
        "end_anchor": end_anchor,
        "events": last - first + 1,
        "empty": last < first,
        "certificates": [
            {
                "sweep_id": s.id,
                "member": f"certificates/{n:04d}.json",
                "sha256": s.certificate_sha256,
            }
            for n, s in enumerate(sweeps, start=1)
        ],
        "check_runs": {
            "runs_member": CHECK_RUNS,
            "findings_member": CHECK_FINDINGS,
            **checks,
        },
    }
    members: list[tuple[str, Iterable[bytes]]] = [
        ("README.txt", [README.encode()]),
        ("verify.py", [VERIFIER.read_bytes()]),
        ("public_key.pem", [public_key_pem(key).encode()]),
        ("period.json", [json.dumps(period, indent=2, sort_keys=True).encode() + b"\n"]),
        ("audit/events.jsonl", _lines(_events(session, first, last))),
        ("audit/checkpoints.jsonl", [(text + "\n").encode() for _, text in kept]),
        ("decisions.jsonl", _lines(evidence.decisions(session, start, end))),
        ("calls.jsonl", _lines(evidence.calls(session, start, end))),
        ("consent/call_events.jsonl", _lines(evidence.consent_ledger(session, start, end))),
        ("recordings.jsonl", _lines(evidence.recordings(session, start, end))),
        ("disposals.jsonl", _lines(evidence.disposals(session, start, end))),
        ("findings.jsonl", _lines(evidence.findings(session, start, end))),
        (CHECK_RUNS, _lines(evidence.check_runs(session, start, end))),
        (CHECK_FINDINGS, _lines(evidence.check_findings(session, start, end))),
    ]
    for n, sweep in enumerate(sweeps, start=1):
        members.append((f"certificates/{n:04d}.json", [(sweep.certificate or "").encode()]))
    manifest_sha = _write(handle, members, key, period)
    return Built(
        events=max(last - first + 1, 0),
        first_seq=first,
        last_seq=last,
        checkpoints=len(kept),
        certificates=len(sweeps),
        check_runs=checks["runs"],
        check_findings=checks["findings"],
        members=len(members) + 1,
        manifest_sha256=manifest_sha,
    )


def _events(session: Session, first: int, last: int) -> Iterator[dict[str, Any]]:
    for row in repository.iterate_all(session, after=first - 1, up_to=last):
        yield event_dict(row)


def _write(
    raw: IO[bytes],
    members: list[tuple[str, Iterable[bytes]]],
    key: Ed25519PrivateKey,
    period: dict[str, Any],
) -> str:
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
        listed = []
        for name, chunks in members:
            with zf.open(name, "w", force_zip64=True) as handle:
                member = _Member(handle)
                for chunk in chunks:
                    member.write(chunk)
            listed.append({"name": name, "sha256": member.digest.hexdigest(), "size": member.size})
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "version": 1,
            "created_at": evidence.moment(clock.now()),
            "key_id": key_id(key),
            "period": {"from": period["from"], "to": period["to"]},
            "members": listed,
        }
        signature = sign_statement(key, DOMAIN, canonical_json(manifest))
        manifest["signature"] = {"algorithm": "ed25519", "key_id": key_id(key), "value": signature}
        text = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
        zf.writestr(MANIFEST, text)
    return hashlib.sha256(text).hexdigest()
