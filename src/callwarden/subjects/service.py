"""Data-subject requests: open one, find what is held, export it, erase it, close it.

Every step is audited in the caller's transaction, and a request is closed only with a stated
outcome, so none ends silently. What was found is judged again at each step (a call that
arrived since the last find is exported or erased too). Services take a Session, never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import ledger
from callwarden.calls import service as calls
from callwarden.identity.policies import may, require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.kit.pagination import MAX_LIMIT, Slice
from callwarden.models import Call, Finding, Recording, SubjectRequest
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.retention.scope import e164, moment
from callwarden.subjects import repository
from callwarden.subjects.deadlines import LAWS, Deadline, deadline
from callwarden.subjects.vcon import RecordingPart, build
from callwarden.verification import service as verification

KINDS = ("access", "erasure")
STATES = ("open", "closed")
MAX_NUMBERS = 20
MIN_TEXT = 4
MAX_VERIFICATION = 2000
MAX_OUTCOME = 2000


def _text(value: str | None, what: str, longest: int, shortest: int = MIN_TEXT) -> str:
    cleaned = (value or "").strip()
    if not shortest <= len(cleaned) <= longest:
        raise InvalidInput(f"{what}: {shortest} to {longest} characters are required")
    return cleaned


def numbers_of(values: Sequence[str]) -> list[str]:
    """The person's numbers in E.164, each once; a malformed one is refused by name."""
    if not values:
        raise InvalidInput("numbers: at least one phone number is required (E.164)")
    if len(values) > MAX_NUMBERS:
        raise InvalidInput(f"numbers: at most {MAX_NUMBERS}")
    return sorted({e164(value) for value in values})


def open_request(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    numbers: Sequence[str],
    law: str,
    received_at: datetime | str,
    identity_verification: str,
    verified_by: str,
) -> SubjectRequest:
    """Open a request, with how the person's identity was checked and by whom; its deadline
    follows from the law and when it was received."""
    require(principal, "subjects.manage")
    if kind not in KINDS:
        raise InvalidInput(f"kind: use one of {', '.join(KINDS)}")
    if law not in LAWS:
        raise InvalidInput(f"law: use one of {', '.join(LAWS)}")
    checked = numbers_of(numbers)
    received = moment(received_at, "received_at")
    now = clock.now()
    if received > now:
        raise InvalidInput("received_at: a request cannot be received in the future")
    request = SubjectRequest(
        id=new_id("dsr"),
        kind=kind,
        numbers=checked,
        law=law,
        received_at=received,
        due_at=deadline(law, received).due_at,
        identity_verification=_text(
            identity_verification, "identity_verification", MAX_VERIFICATION
        ),
        verified_by=_text(verified_by, "verified_by", 120, shortest=1),
        state="open",
        opened_by=principal.actor,
        opened_at=now,
    )
    repository.add(session, request)
    audit.record(
        session,
        actor=principal.actor,
        action="subject_request.opened",
        target=f"subject_request:{request.id}",
        data={
            "kind": kind,
            "law": law,
            "numbers": checked,
            "received_at": received.isoformat(),
            "due_at": request.due_at.isoformat(),
            "verified_by": request.verified_by,
        },
    )
    return request


def get(session: Session, principal: Principal, request_id: str) -> SubjectRequest:
    require(principal, "subjects.read")
    request = repository.get(session, request_id)
    if request is None:
        raise NotFound(f"no subject request {request_id!r}")
    return request


def list_requests(
    session: Session, principal: Principal, state: str | None, cursor: str | None, limit: int
) -> Slice[SubjectRequest]:
    """A page of requests, oldest first; `state` keeps only open or closed ones."""
    require(principal, "subjects.read")
    if state is not None and state not in STATES:
        raise InvalidInput(f"state: use one of {', '.join(STATES)}")
    return repository.page(session, state, cursor, limit)


def deadline_of(request: SubjectRequest) -> Deadline:
    return deadline(request.law, clock.as_utc(request.received_at))


def working(session: Session, principal: Principal, request_id: str) -> SubjectRequest:
    """An open request, locked, for a step that changes it."""
    require(principal, "subjects.manage")
    request = repository.locked(session, request_id)
    if request is None:
        raise NotFound(f"no subject request {request_id!r}")
    if request.state != "open":
        raise Conflict(f"subject request {request_id} is closed")
    return request


@dataclass(frozen=True)
class Found:
    calls: list[Call]
    recordings: list[Recording]

    def as_json(self, at: datetime) -> dict[str, Any]:
        return {
            "found_at": at.isoformat(),
            "calls": [
                {
                    "call_id": call.id,
                    "started_at": clock.as_utc(call.started_at).isoformat(),
                    "direction": call.direction,
                }
                for call in self.calls
            ],
            "recordings": [
                {
                    "recording_id": row.id,
                    "call_id": row.call_id,
                    "state": row.state,
                    "started_at": clock.as_utc(row.started_at).isoformat(),
                    "duration_s": row.duration_s,
                }
                for row in self.recordings
            ],
        }


def gather(session: Session, numbers: list[str]) -> Found:
    """Every call with a party on these numbers, and every recording of those calls or with
    such a party (a recording's own parties may name a number its call did not)."""
    found_calls = calls.calls_with_numbers(session, numbers)
    found_recordings = recordings.recordings_of(session, numbers, [c.id for c in found_calls])
    known = {call.id for call in found_calls}
    for row in found_recordings:
        if row.call_id not in known and (call := calls.find_call(session, row.call_id)):
            found_calls.append(call)
            known.add(call.id)
    return Found(found_calls, found_recordings)


def find(session: Session, principal: Principal, request_id: str) -> SubjectRequest:
    """Find every call and recording where the person was a party; kept on the request."""
    request = working(session, principal, request_id)
    found = gather(session, list(request.numbers))
    request.found = found.as_json(clock.now())
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="subject_request.searched",
        target=f"subject_request:{request.id}",
        data={
            "numbers": request.numbers,
            "calls": len(found.calls),
            "recordings": len(found.recordings),
        },
    )
    return request


def recording_parts(
    session: Session, rows: Sequence[Recording], filenames: dict[str, str] | None = None
) -> list[RecordingPart]:
    """What a vCon says of each recording: its facts, findings and (exported) file name."""
    return [
        RecordingPart(
            recording_id=row.id,
            state=row.state,
            started_at=clock.as_utc(row.started_at),
            duration_s=row.duration_s,
            content_type=row.content_type,
            sha256=row.sha256,
            channel_map=list(row.channel_map or []),
            filename=(filenames or {}).get(row.id),
            findings=[finding_json(f) for f in verification.list_findings(session, row.id)],
        )
        for row in rows
    ]


def finding_json(finding: Finding) -> dict[str, Any]:
    """A finding as the vCon's analysis states it (its lifecycle and where in the audio)."""
    return {
        "kind": finding.kind,
        "severity": finding.severity,
        "status": finding.status,
        "summary": finding.summary,
        "channel": finding.channel,
        "start_s": finding.start_s,
        "end_s": finding.end_s,
        "created_at": clock.as_utc(finding.created_at).isoformat(),
    }


def vcon_of(
    session: Session,
    call: Call,
    rows: Sequence[Recording],
    filenames: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The call's vCon (see `vcon`) with these of its recordings."""
    detail = ledger.call_detail(session, call)
    consent = ledger.consent_evidence(session, call)
    own = [row for row in rows if row.call_id == call.id]
    return build(detail, consent, recording_parts(session, own, filenames), clock.now())


def call_vcon(session: Session, principal: Principal, call_id: str) -> dict[str, Any]:
    """The vCon of a call the principal may read, with the recordings they may see."""
    call = calls.get_call(session, principal, call_id)
    rows: list[Recording] = []
    if may(principal, "recordings.search"):
        where = SearchFilter(call_id=call.id)
        rows = recordings.search(session, principal, where, None, MAX_LIMIT).rows
    return vcon_of(session, call, rows)


def close(session: Session, principal: Principal, request_id: str, outcome: str) -> SubjectRequest:
    """Close a request with what was done, in words; never without one."""
    request = working(session, principal, request_id)
    summary = _text(outcome, "outcome", MAX_OUTCOME)
    now = clock.now()
    request.state = "closed"
    request.closed_by = principal.actor
    request.closed_at = now
    request.outcome = {
        "summary": summary,
        "late": now > clock.as_utc(request.due_at),
        "found": {
            "calls": len((request.found or {}).get("calls", [])),
            "recordings": len((request.found or {}).get("recordings", [])),
        },
        "letter": request.letter is not None,
    }
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="subject_request.closed",
        target=f"subject_request:{request.id}",
        reason=summary,
        data=request.outcome,
    )
    return request
