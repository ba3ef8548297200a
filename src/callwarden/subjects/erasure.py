"""Erasure: dispose of what a person asked to erase, keep what an exception requires.

Each recording found is judged against the exceptions (`exceptions`): an active legal hold
(`retention.holds.holds_covering`), a regulatory minimum (its earliest disposal moment not yet
reached AND a sector rule among its retention reasons), an open dispute (`open_disputes`, the
extension point for the cases domain, not built yet). The rest is disposed of through
`retention.disposal` in a sweep of kind "erasure" whose reference is the request, so every
erasure has a destruction certificate; the disposal re-checks the holds on the locked rows.
The response letter (Markdown) is kept on the request. Services take a Session, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cases import repository as cases
from callwarden.config import Settings
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict
from callwarden.law.knowledge import load_knowledge_base
from callwarden.models import Recording, case_label
from callwarden.retention import certificate, disposal
from callwarden.retention.holds import holds_covering
from callwarden.subjects import exceptions, service
from callwarden.subjects.letter import erasure_letter


def open_disputes(session: Session, recording_id: str) -> list[str]:
    """The open recording disputes needing this recording (`cases/`), by their labels."""
    return [case_label(number) for number in cases.open_disputes_about(session, recording_id)]


def _sector_minima() -> dict[str, tuple[str, str]]:
    kb = load_knowledge_base()
    return {
        rule_id: (rule.name, "; ".join(c.cite for c in rule.citations))
        for rule_id, rule in kb.sectors.items()
        if rule.min_retention is not None
    }


def keeps(session: Session, law: str, recording: Recording) -> list[exceptions.Keep]:
    """Every exception keeping this recording from erasure now (empty: it may be erased)."""
    held = [(hold.id, hold.matter) for hold in holds_covering(session, recording.id)]
    sector = exceptions.sector_rules_cited(recording.retention_reasons, _sector_minima())
    retain_until = clock.as_utc(recording.retain_until) if recording.retain_until else None
    return [
        *exceptions.hold_keeps(law, held),
        *exceptions.minimum_keeps(law, retain_until, clock.now(), sector),
        *exceptions.dispute_keeps(law, open_disputes(session, recording.id)),
    ]


@dataclass
class ErasureResult:
    request_id: str
    sweep_id: str | None
    erased: list[str] = field(default_factory=list)
    kept: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    already_gone: list[str] = field(default_factory=list)
    calls: int = 0
    letter: str = ""


def erase(
    session: Session, principal: Principal, settings: Settings, request_id: str
) -> ErasureResult:
    """Erase what may be erased for an open erasure request; the letter says what and why not.

    The sealed objects are deleted after the commit (`disposal.delete_objects`, by the caller)."""
    request = service.working(session, principal, request_id)
    if request.kind != "erasure":
        raise Conflict(f"subject request {request_id} is an access request: nothing to erase")
    found = service.gather(session, list(request.numbers))
    result = ErasureResult(request.id, None, calls=len(found.calls))
    erasable: list[str] = []
    for row in found.recordings:
        if row.state != "stored":
            result.already_gone.append(row.id)
            continue
        kept = keeps(session, request.law, row)
        if kept:
            result.kept[row.id] = [keep.as_json() for keep in kept]
        else:
            erasable.append(row.id)
    if erasable:
        sweep = disposal.open_sweep(
            session, "erasure", principal.actor, clock.now(), reference=request.id
        )
        rule = f"erasure: subject request {request.id} ({request.law})"
        done = disposal.dispose(session, erasable, sweep, rule_for=lambda _row: rule)
        result.erased = [row.recording_id for row in done]
        result.sweep_id = sweep.id
        if done:
            certificate.issue(session, sweep, settings)
        else:
            disposal.close_empty(session, sweep)
        for recording_id in sorted(set(erasable) - set(result.erased)):  # a hold since judged
            result.kept[recording_id] = [
                exceptions.Keep(
                    "hold",
                    "kept under a legal hold made while the erasure ran",
                    (exceptions.LEGAL_CLAIMS[request.law],),
                ).as_json()
            ]
    result.letter = erasure_letter(
        request_id=request.id,
        law=request.law,
        numbers=request.numbers,
        received_at=clock.as_utc(request.received_at),
        written_at=clock.now(),
        calls=result.calls,
        erased=result.erased,
        kept=result.kept,
        certificate_sweep=result.sweep_id if result.erased else None,
    )
    request.letter = result.letter
    request.found = found.as_json(clock.now())
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="subject_request.erased",
        target=f"subject_request:{request.id}",
        data={
            "calls": result.calls,
            "erased": result.erased,
            "kept": result.kept,
            "already_gone": result.already_gone,
            "sweep": result.sweep_id,
            "nothing_held": not found.calls and not found.recordings,
        },
    )
    return result


def preview(
    session: Session, principal: Principal, request_id: str
) -> list[tuple[Recording, list[exceptions.Keep]]]:
    """What an erasure would do now, changing nothing: each recording found and what keeps it
    (an empty list: it would be erased). For the console's confirm step."""
    request = service.get(session, principal, request_id)
    require(principal, "subjects.manage")
    found = service.gather(session, list(request.numbers))
    return [
        (row, keeps(session, request.law, row) if row.state == "stored" else [])
        for row in found.recordings
    ]
