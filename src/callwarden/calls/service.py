"""Call sessions: create a call with its decision and plan, take events, keep the ledger.

Every accepted event is audited in the same transaction. A refused event raises EventRefused;
the caller then keeps it as a violation with `record_violation` in a transaction of its own,
so the refusal is on record while nothing the event asked for is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import machine, owners, parties, plan, repository
from callwarden.calls.access import visible
from callwarden.calls.admission import (
    LEDGER_KINDS,
    Admission,
    admit,
    pause_intervals,
    recording_start_time,
)
from callwarden.calls.overdue import overdue_notes
from callwarden.calls.schemas import CallCreate, EventIn
from callwarden.calls.snapshot import CallLine, CallSnapshot
from callwarden.decisions import service as decisions
from callwarden.decisions.facts import CallFactsIn
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.kit.pagination import Slice
from callwarden.models import Call, CallEvent, CallPause, DecisionRecord
from callwarden.policy import service as policies


class EventRefused(Conflict):
    code = "event_refused"
    title = "Event refused"


@dataclass(frozen=True, slots=True)
class CallView:
    call: Call
    decision: dict[str, Any]
    created: bool


def create_call(session: Session, principal: Principal, body: CallCreate) -> CallView:
    """Create a call, decide, and plan; the same (source, external_id) returns the same call."""
    require(principal, "calls.write")
    if body.external_id:
        existing = repository.by_external_id(session, body.source, body.external_id)
        if existing is not None:
            if repository.get(session, existing.id, within=visible(principal)) is None:
                raise Conflict(
                    f"external_id {body.external_id!r} of source {body.source!r} belongs to a "
                    "call another identity created; use your own source name"
                )
            return CallView(existing, decision_of(session, existing), False)
    facts = CallFactsIn.model_validate(
        body.model_dump(exclude={"source", "external_id", "started_at", "agent"})
    )
    agent_user_id, team_id = owners.agent_and_team(session, body.agent, facts.agent_team)
    now = clock.now()
    started = body.started_at or now
    if started > now + machine.MAX_FUTURE_SKEW:
        raise InvalidInput("started_at is in the future; check the phone system's clock")
    notes = overdue_notes(session, agent_user_id, started)
    decision = decisions.make_decision(session, principal, facts, notes=notes)
    document = policies.compiled_version(session, decision.policy_version).document
    call = Call(
        id=new_id("call"),
        source=body.source,
        external_id=body.external_id,
        direction=body.direction,
        facts=facts.model_dump(mode="json"),
        state="active",
        recording_state="idle",
        record_decision=decision.record,
        consent_level=decision.consent,
        governing_rule=decision.governing_rule,
        notice_required=decision.notice.required,
        notice_must_be_recorded=decision.notice.must_be_recorded,
        secure_pause=decision.secure_pause,
        max_pause_s=document.payment_pause.max_pause_s,
        on_decline=document.consent.on_decline,
        on_withdrawal=document.consent.on_withdrawal,
        on_missing_notice=document.consent.missing_notice,
        halted=None,
        discard_all=False,
        decision_id=decision.decision_id,
        policy_version=decision.policy_version,
        plan={},
        plan_version=0,
        created_by=principal.actor,
        created_by_user_id=principal.user_id,
        agent_user_id=agent_user_id,
        team_id=team_id,
        started_at=started,
        last_event_at=started,
        parties=[],
    )
    for position, (party, finding) in enumerate(
        zip(facts.parties, decision.jurisdictions, strict=False)
    ):
        key = parties.unique_key(call, party.role)
        call.parties.append(
            parties.party_row(
                key,
                position,
                party.role,
                party.number,
                party.language,
                finding,
                decision,
                started,
                needs_notice=decision.notice.required,
            )
        )
    repository.add(session, call)
    _replan(session, call, decision.notice.language)
    audit.record(
        session,
        actor=principal.actor,
        action="call.created",
        target=f"call:{call.id}",
        data={
            "decision_id": decision.decision_id,
            "record": decision.record,
            "source": body.source,
            "external_id": body.external_id,
        },
    )
    return CallView(call, decision.as_dict(), True)


def decision_of(session: Session, call: Call) -> dict[str, Any]:
    """The stored outcome of the call's current decision."""
    row = session.get(DecisionRecord, call.decision_id)
    return row.outcome if row is not None else {}


def _replan(session: Session, call: Call, notice_language: str | None = None) -> bool:
    """Rebuild the plan from the call's state; True when its steps changed."""
    compiled = policies.compiled_version(session, call.policy_version)
    language = notice_language or call.plan.get("language")
    steps = plan.build(call, compiled, language)
    changed = steps != call.plan.get("steps")
    if changed:
        call.plan_version += 1
    call.plan = {**plan.document(call, steps), "language": language}
    return changed


@dataclass(frozen=True, slots=True)
class EventResult:
    call: Call
    event: CallEvent
    plan_changed: bool
    duplicate: bool
    message: str


def record_event(
    session: Session, principal: Principal, call_id: str, event: EventIn
) -> EventResult:
    """Apply one event, or raise EventRefused (the caller then keeps the violation)."""
    require(principal, "calls.write")
    call = repository.get(session, call_id, lock=True, within=visible(principal))
    if call is None:
        raise NotFound(f"no call {call_id!r}")
    body = event.model_dump(mode="json")
    existing = repository.event_by_client_id(session, call_id, event.event_id)
    if existing is not None:
        if existing.body != body:
            raise Conflict(f"event id {event.event_id!r} was already used for a different event")
        if not existing.accepted:
            raise EventRefused(
                existing.violation or "refused", event_id=event.event_id, repeated=True
            )
        return EventResult(call, existing, False, True, "duplicate: already applied")
    tolerance = policies.compiled_version(session, call.policy_version).document.calls
    verdict = machine.apply(
        call, event, clock.now(), timedelta(seconds=tolerance.clock_tolerance_s)
    )
    if not verdict.accepted:
        raise EventRefused(verdict.reason, event_id=event.event_id)
    if verdict.redecide:
        assert event.new_party is not None
        parties.join(session, principal, call, event.new_party, event)
    _track_pauses(session, call, event, verdict)
    exceeded = "pause longer than the policy allows" if verdict.pause_exceeded else None
    stored = _event_row(call.id, event, body, principal, accepted=True, violation=exceeded)
    repository.add(session, stored)
    changed = _replan(session, call)
    audit.record(
        session,
        actor=principal.actor,
        action="call.event",
        target=f"call:{call.id}",
        data={
            "kind": event.kind,
            "event_id": event.event_id,
            "party": event.party,
            "method": event.method,
            "plan_version": call.plan_version,
        },
    )
    return EventResult(call, stored, changed, False, verdict.reason)


def _event_row(
    call_id: str,
    event: EventIn,
    body: dict[str, Any],
    principal: Principal,
    *,
    accepted: bool,
    violation: str | None,
) -> CallEvent:
    return CallEvent(
        call_id=call_id,
        client_event_id=event.event_id,
        kind=event.kind,
        occurred_at=event.occurred_at,
        received_at=clock.now(),
        party_key=event.party,
        method=event.method,
        script_id=event.script_id,
        offset_s=event.offset_s,
        body=body,
        accepted=accepted,
        violation=violation,
        reported_by=principal.actor,
    )


def _track_pauses(session: Session, call: Call, event: EventIn, verdict: machine.Verdict) -> None:
    if event.kind == "recording_paused":
        repository.add(
            session,
            CallPause(
                call_id=call.id,
                reason=event.reason or "unspecified",
                started_at=event.occurred_at,
                start_offset_s=event.offset_s,
            ),
        )
    elif event.kind in {"recording_resumed", "recording_stopped", "call_ended"}:
        pause = repository.open_pause(session, call.id)
        if pause is not None:
            pause.ended_at = event.occurred_at
            pause.end_offset_s = event.offset_s
            pause.exceeded = (
                event.occurred_at - pause.started_at
            ).total_seconds() > call.max_pause_s


def record_violation(
    session: Session, principal: Principal, call_id: str, event: EventIn, reason: str
) -> None:
    """Keep a refused event where an auditor will find it (its own transaction).

    An event for a call out of the principal's reach is audited but never added to that call.
    """
    call = repository.get(session, call_id, within=visible(principal))
    target = f"call:{call_id}"
    if call is not None and repository.event_by_client_id(session, call_id, event.event_id) is None:
        repository.add(
            session,
            _event_row(
                call_id,
                event,
                event.model_dump(mode="json"),
                principal,
                accepted=False,
                violation=reason,
            ),
        )
    audit.record(
        session,
        actor=principal.actor,
        action="call.violation",
        target=target,
        reason=reason,
        data={"kind": event.kind, "event_id": event.event_id, "known_call": call is not None},
    )


def record_recording_violation(
    session: Session, principal: Principal, call_id: str, recording_id: str, reason: str
) -> None:
    """Keep on the call's ledger that a recording was stored in breach of it (e.g. a required
    notice the ledger never got), in the intake's own transaction."""
    now = clock.now()
    repository.add(
        session,
        CallEvent(
            call_id=call_id,
            client_event_id=f"intake:{recording_id}",
            kind="recording_stored",
            occurred_at=now,
            received_at=now,
            party_key=None,
            method=None,
            script_id=None,
            offset_s=None,
            body={"recording_id": recording_id},
            accepted=True,
            violation=reason,
            reported_by=principal.actor,
        ),
    )
    audit.record(
        session,
        actor=principal.actor,
        action="call.violation",
        target=f"call:{call_id}",
        reason=reason,
        data={"kind": "recording_stored", "recording_id": recording_id},
    )


def find_call(session: Session, call_id: str) -> Call | None:
    """The call, or None, whoever may see it: for checks the system runs, not for people."""
    return repository.get(session, call_id)


def ledger_events(session: Session, call_id: str) -> list[CallEvent]:
    """Every event reported on the call, accepted or refused, in the order they came."""
    return repository.events(session, call_id)


def get_call(session: Session, principal: Principal, call_id: str) -> Call:
    """The call if the principal may read it; one out of reach is answered as not there."""
    require(principal, "calls.read")
    call = repository.get(session, call_id, within=visible(principal))
    if call is None:
        raise NotFound(f"no call {call_id!r}")
    return call


def list_calls(
    session: Session,
    principal: Principal,
    since: datetime | None,
    until: datetime | None,
    state: str | None,
    cursor: str | None,
    limit: int,
) -> Slice[CallLine]:
    """A page of the calls the principal may read, newest first (the scope is part of the
    query, so `limit` counts only calls they may see)."""
    require(principal, "calls.read")
    return repository.find(session, visible(principal), since, until, state, cursor, limit)


def calls_with_violations(session: Session, principal: Principal, limit: int) -> list[CallLine]:
    """The newest calls the principal may read whose ledger holds a violation: what a person
    overseeing calls looks at first."""
    require(principal, "calls.read")
    return repository.with_violations(session, visible(principal), limit)


@dataclass(frozen=True, slots=True)
class RecordingAdmission:
    """The consent ledger's answer for one recording of a call: the call as plain values, when
    the recording began (as declared, else the ledger's `recording_started`), and the verdict."""

    call: CallSnapshot
    started_at: datetime
    admission: Admission


def admit_recording(
    session: Session, call_id: str, declared_start: datetime | None
) -> RecordingAdmission | None:
    """Whether the ledger lets a recording of this call be kept; None when there is no call.

    Plain rows only (two or three selects): intake asks this for every upload.
    """
    call = repository.snapshot(session, call_id)
    if call is None:
        return None
    events = repository.accepted_events(session, call.id, LEDGER_KINDS)
    started_at = recording_start_time(events, declared_start, call.started_at)
    return RecordingAdmission(call, started_at, admit(call, events, started_at))


def recording_pauses(
    session: Session, call_id: str, recording_start: datetime
) -> list[dict[str, object]]:
    """The call's pauses as offsets into a recording that began at `recording_start`."""
    return pause_intervals(repository.pauses(session, call_id), recording_start)


def calls_with_numbers(session: Session, numbers: list[str]) -> list[Call]:
    """Every call a person on one of these (E.164) numbers was a party to, whoever asks: for
    a data-subject request, whose service checks who may ask."""
    return repository.with_numbers(session, numbers)
