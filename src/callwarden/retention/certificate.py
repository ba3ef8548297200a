"""Destruction certificates: issuing one for a finished sweep, reading it back, verifying it.

A sweep's certificate is the organisation's proof, to an auditor or a court, that each listed
recording was destroyed when and by which rule, and that each destruction is in the audit trail
(its event's chain position and hash, which `callwarden audit export` lets anyone check). It is
signed with the key that signs the audit checkpoints, so the one public key an auditor holds
checks both. The text is stored on the sweep exactly as signed: a copy is that text, byte for
byte, and `verify` (offline: the text and the public key) says where a copy was edited.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.identity import policies
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, NotFound
from callwarden.kit.pagination import Slice
from callwarden.models import Disposal, RetentionSweep
from callwarden.retention import certificate_format as layout
from callwarden.retention import sweep_repository as repository
from callwarden.retention.certificate_check import (
    CertificateRejected as CertificateRejected,
)
from callwarden.retention.certificate_check import (
    VerifiedCertificate as VerifiedCertificate,
)
from callwarden.retention.certificate_check import verify as verify
from callwarden.signing import key_id, load_signing_key, sign_statement

ISSUED = "retention.certificate_issued"


def entry_of(disposal: Disposal, audit_hash: str | None) -> dict[str, Any]:
    """What the certificate states about one disposed recording (the fields of `layout`)."""
    return {
        "audit_hash": audit_hash,
        "audit_seq": disposal.audit_seq,
        "call_id": disposal.call_id,
        "dispose_by": layout.moment(disposal.dispose_by),
        "disposal_due": layout.moment(disposal.disposal_due),
        "disposed_at": layout.moment(disposal.disposed_at),
        "original_sha256": disposal.original_sha256,
        "original_size": disposal.original_size,
        "recording_id": disposal.recording_id,
        "retain_until": layout.moment(disposal.retain_until),
        "rule": disposal.rule,
        "started_at": layout.moment(disposal.started_at),
        "stored_sha256": disposal.sha256,
        "stored_size": disposal.size,
    }


def text_sha256(text: str) -> str:
    """The sha256 of a certificate's bytes (UTF-8), as stored on its sweep and audited."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def issue(session: Session, sweep: RetentionSweep, settings: Settings) -> str:
    """Sign the sweep's certificate, store it on the sweep (with its sha256, the finish time and
    the count) and audit the issue; the certificate's text.

    A sweep has one certificate: asked again (a rerun after a crash), this returns the stored
    text unchanged rather than a second, different statement about the same destruction.
    """
    locked = repository.locked(session, sweep.id)
    if locked is None:
        raise NotFound(f"no sweep {sweep.id}")
    if locked.certificate is not None:
        return locked.certificate
    key = load_signing_key(settings)
    finished_at = locked.finished_at or clock.now()
    entries: list[dict[str, Any]] = []
    entry_digests: list[str] = []
    original_bytes = 0
    for disposal, audit_hash in repository.disposals_with_audit_hash(session, locked.id):
        entry = entry_of(disposal, audit_hash)
        entries.append(entry)
        entry_digests.append(layout.digest(entry))
        original_bytes += disposal.original_size
    header: dict[str, dict[str, Any]] = {
        "installation": {"key_id": key_id(key)},
        "sweep": {
            "id": locked.id,
            "kind": locked.kind,
            "reference": locked.reference,
            "as_of": layout.moment(locked.as_of),
            "started_by": locked.started_by,
            "started_at": layout.moment(locked.started_at),
            "finished_at": layout.moment(finished_at),
        },
        "issued": {
            "at": layout.moment(clock.now()),
            "count": len(entries),
            "original_bytes": original_bytes,
        },
    }
    header_digests = layout.header_digests(header)
    digests = {"header": header_digests, "recordings": entry_digests}
    signature = {
        "algorithm": "ed25519",
        "key_id": key_id(key),
        "value": sign_statement(key, layout.DOMAIN, layout.signed_message(digests)),
    }
    text = "".join(layout.render(header, entries, entry_digests, header_digests, signature))
    size = len(text.encode("utf-8"))
    if size > layout.MAX_BYTES:
        raise Conflict(
            f"the certificate of sweep {locked.id} would be {size:,} bytes, over the "
            f"{layout.MAX_BYTES:,} a verifier reads; dispose in smaller sweeps"
        )
    sha256 = text_sha256(text)
    locked.certificate = text
    locked.certificate_sha256 = sha256
    locked.finished_at = finished_at
    locked.disposed_count = len(entries)
    audit.record(
        session,
        actor=locked.started_by,
        action=ISSUED,
        target=f"sweep:{locked.id}",
        data={"sha256": sha256, "count": len(entries), "key_id": key_id(key), "bytes": size},
    )
    session.flush()
    return text


def list_sweeps(
    session: Session, who: Principal, cursor: str | None, limit: int
) -> Slice[RetentionSweep]:
    """Sweeps, newest first, for the roles that read disposals."""
    policies.require(who, "retention.read")
    return repository.sweeps(session, cursor, limit)


def get_sweep(session: Session, who: Principal, sweep_id: str) -> RetentionSweep:
    policies.require(who, "retention.read")
    sweep = repository.get(session, sweep_id)
    if sweep is None:
        raise NotFound(f"no sweep {sweep_id}")
    return sweep


def sweep_disposals(
    session: Session, who: Principal, sweep_id: str, cursor: str | None, limit: int
) -> Slice[Disposal]:
    """What one sweep disposed of, in the order it happened."""
    get_sweep(session, who, sweep_id)
    return repository.disposals(session, sweep_id, cursor, limit)


def certificate_of(session: Session, who: Principal, sweep_id: str) -> str:
    """The sweep's certificate exactly as stored; NotFound until it is issued."""
    sweep = get_sweep(session, who, sweep_id)
    if sweep.certificate is None:
        raise NotFound(f"sweep {sweep_id} has no certificate yet (it has not finished)")
    return sweep.certificate
