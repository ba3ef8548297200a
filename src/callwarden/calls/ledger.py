"""Views of a call for people: the full call, and the consent evidence an auditor reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from callwarden.calls import repository
from callwarden.calls.schemas import EventOut, PartyOut
from callwarden.calls.service import decision_of
from callwarden.calls.snapshot import CallLine
from callwarden.models import Call, CallPause


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _pause(pause: CallPause) -> dict[str, Any]:
    return {
        "reason": pause.reason,
        "started_at": _iso(pause.started_at),
        "ended_at": _iso(pause.ended_at),
        "start_offset_s": pause.start_offset_s,
        "end_offset_s": pause.end_offset_s,
        "exceeded_policy_maximum": pause.exceeded,
    }


def call_summary(call: CallLine) -> dict[str, Any]:
    """One line of a call list (API and CLI)."""
    return {
        "call_id": call.id,
        "direction": call.direction,
        "state": call.state,
        "record": call.record_decision,
        "recording_state": call.recording_state,
        "started_at": call.started_at.isoformat(),
        "external_id": call.external_id,
    }


def call_detail(session: Session, call: Call) -> dict[str, Any]:
    """Everything about the call: facts, parties with consent status, decision, plan, events."""
    events = repository.events(session, call.id)
    return {
        "call_id": call.id,
        "source": call.source,
        "external_id": call.external_id,
        "direction": call.direction,
        "state": call.state,
        "recording_state": call.recording_state,
        "record": call.record_decision,
        "governing_rule": call.governing_rule,
        "consent": call.consent_level,
        "halted": call.halted,
        "discard_all": call.discard_all,
        "started_at": _iso(call.started_at),
        "ended_at": _iso(call.ended_at),
        "parties": [
            PartyOut.model_validate(party).model_dump(mode="json") for party in call.parties
        ],
        "decision": decision_of(session, call),
        "plan": call.plan,
        "events": [EventOut.model_validate(event).model_dump(mode="json") for event in events],
        "pauses": [_pause(pause) for pause in repository.pauses(session, call.id)],
        "violations": sum(not event.accepted or event.violation is not None for event in events),
    }


def consent_evidence(session: Session, call: Call) -> dict[str, Any]:
    """Per party: where they were, the rule that applied, what they heard and agreed to, when."""
    events = repository.events(session, call.id)
    decision = decision_of(session, call)
    parties = []
    for party in call.parties:
        own = [
            e
            for e in events
            if e.accepted
            and (e.party_key == party.key or (e.kind == "notice_played" and e.party_key is None))
        ]
        parties.append(
            {
                "party": party.key,
                "role": party.role,
                "jurisdiction": party.jurisdiction,
                "located": party.location_source,
                "rule": party.rule,
                "notice": {
                    "required": party.needs_notice,
                    "script_id": party.notice_script_id,
                    "heard_at": _iso(party.notice_at),
                },
                "consent": {
                    "required": "explicit" if party.needs_consent else call.consent_level,
                    "status": party.consent_status,
                    "method": party.consent_method,
                    "at": _iso(party.consent_at),
                },
                "evidence": [
                    {
                        "kind": e.kind,
                        "at": _iso(e.occurred_at),
                        "method": e.method,
                        "script_id": e.script_id,
                        "offset_s": e.offset_s,
                        "event_id": e.client_event_id,
                    }
                    for e in own
                    if e.kind
                    in {
                        "notice_played",
                        "consent_given",
                        "consent_declined",
                        "consent_withdrawn",
                        "beep_tone",
                    }
                ],
                "joined_at": _iso(party.joined_at),
                "left_at": _iso(party.left_at),
            }
        )
    recording = [
        {"kind": e.kind, "at": _iso(e.occurred_at), "offset_s": e.offset_s}
        for e in events
        if e.accepted and e.kind.startswith("recording_")
    ]
    return {
        "call_id": call.id,
        "decision_id": call.decision_id,
        "policy_version": call.policy_version,
        "law_version": decision.get("law_version"),
        "governing_rule": call.governing_rule,
        "record": call.record_decision,
        "halted": call.halted,
        "parties": parties,
        "recording": recording,
        "pauses": [_pause(pause) for pause in repository.pauses(session, call.id)],
        "violations": [
            {
                "event_id": e.client_event_id,
                "kind": e.kind,
                "at": _iso(e.occurred_at),
                "reason": e.violation,
                "refused": not e.accepted,
            }
            for e in events
            if not e.accepted or e.violation
        ],
        "disclaimer": decision.get("disclaimer"),
    }
