"""The recording's row: where it is, what it is, who was on it, and how long it must be kept.

Everything the row needs from the call, the decision and the policy is read first (`prepare`,
in a read-only transaction, through those domains' services) so that the write itself (`index`)
is a handful of inserts: under SQLite's single writer, time spent inside the write is time every
other request waits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import service as calls
from callwarden.calls.admission import Admission
from callwarden.calls.snapshot import CallSnapshot
from callwarden.decisions import service as decisions
from callwarden.identity import service as identities
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.models import Recording, RecordingParty
from callwarden.policy import service as policies
from callwarden.recordings import repository
from callwarden.recordings.upload import IntakeRequest, SealedAudio, request_fields
from callwarden.retention.schedule import RetentionSchedule, schedule
from callwarden.vault.wrapping import WrappedKey
from callwarden.verification import findings


@dataclass(frozen=True)
class RecordingContext:
    """What the recording's row takes from its call, decision and policy (read before storing)."""

    call_id: str
    direction: str
    queue: str | None
    parties: tuple[tuple[str, str, str | None, str | None], ...]  # key, role, number, jurisdiction
    agent_user_id: str | None
    team_id: str | None
    purposes: list[str]
    schedule: RetentionSchedule
    pauses: list[dict[str, Any]]
    started_at: datetime


def retention(session: Session, call: CallSnapshot, started_at: datetime) -> RetentionSchedule:
    """Purposes from the call's decision, kept as the policy in force says.

    The call's own version chose the purposes; if a later version has since come into force
    and still defines them, its retention applies, as it does to every recording re-scheduled
    when it took effect (else the recording would keep terms no longer in force).
    """
    purposes = decisions.purposes_of(session, call.decision_id)
    policy = policies.compiled_version(session, call.policy_version)
    current = policies.active_compiled(session)
    if current.version != policy.version and all(p in current.document.purposes for p in purposes):
        policy = current
    return schedule(policy, purposes, started_at)


def prepare(
    session: Session, call: CallSnapshot, request: IntakeRequest, started_at: datetime
) -> RecordingContext:
    """Read and check everything before any byte is stored; bad metadata is refused here."""
    known = {party.key for party in call.parties}
    if unknown := [key for key in request.channel_map if key not in known and key != "mixed"]:
        raise InvalidInput(f"channel_map names parties not on the call: {', '.join(unknown)}")
    agent_user_id, team_id = _agent(session, call, request.agent)
    kept = retention(session, call, started_at)
    return RecordingContext(
        call_id=call.id,
        direction=call.direction,
        queue=call.facts.get("queue"),
        parties=tuple((p.key, p.role, p.number, p.jurisdiction) for p in call.parties),
        agent_user_id=agent_user_id,
        team_id=team_id,
        purposes=kept.purposes,
        schedule=kept,
        pauses=calls.recording_pauses(session, call.id, started_at),
        started_at=started_at,
    )


def check_channels(request: IntakeRequest, channels: int) -> None:
    """The channel map, checked against the audio once it is known (after sealing)."""
    if request.channel_map and len(request.channel_map) != channels:
        raise InvalidInput(
            f"channel_map names {len(request.channel_map)} channels but the audio has {channels}"
        )


def index(
    session: Session,
    principal: Principal,
    request: IntakeRequest,
    stored: SealedAudio,
    recording_id: str,
    object_key: str,
    wrapped: WrappedKey,
    store: str,
    prepared: RecordingContext,
    admission: Admission,
) -> Recording:
    """Insert the recording, its key and its parties, and audit the intake."""
    info = stored.info
    kept = prepared.schedule
    values: dict[str, Any] = {
        "id": recording_id,
        "call_id": prepared.call_id,
        "idempotency_key": request.idempotency_key,
        "source": request.source,
        "state": "stored",
        "object_key": object_key,
        "store": store,
        "format": info.format,
        "codec": info.codec,
        "content_type": info.content_type,
        "sample_rate": info.sample_rate,
        "channels": info.channels,
        "channel_map": list(request.channel_map),
        "duration_s": round(info.duration_s, 3),
        "sha256": stored.sha256,
        "size": stored.size,
        "ciphertext_size": stored.ciphertext_size,
        "original_sha256": stored.original_sha256,
        "original_size": stored.original_size,
        "trimmed_to_s": stored.trimmed_to_s,
        "purposes": prepared.purposes,
        "retention_class": kept.retention_class,
        "retain_until": kept.retain_until,
        "dispose_by": kept.dispose_by,
        "disposal_due": kept.disposal_due,
        "retention_reasons": kept.reasons,
        "retention_policy_version": kept.policy_version,
        "disposed_at": None,
        "legal_hold": False,  # not read: holds are judged when asked (retention.holds)
        "private": request.private,
        "direction": prepared.direction,
        "queue": prepared.queue,
        "agent_user_id": prepared.agent_user_id,
        "team_id": prepared.team_id,
        "jurisdictions": sorted(
            {jurisdiction for *_, jurisdiction in prepared.parties if jurisdiction}
        ),
        "pauses": prepared.pauses,
        "started_at": prepared.started_at,
        "created_at": clock.now(),
        "created_by": principal.actor,
        "analysed_at": None,
        "analysis_error": None,
        "intake_request": request_fields(request),
    }
    parties = [
        {
            "recording_id": recording_id,
            "party_key": key,
            "role": role,
            "number": number,
            "jurisdiction": jurisdiction,
        }
        for key, role, number, jurisdiction in prepared.parties
    ]
    key = {
        "recording_id": recording_id,
        "wrapped": wrapped.encode(),
        "kek_version": wrapped.kek_version,
        "created_at": clock.now(),
        "destroyed_at": None,
    }
    repository.insert_recording(session, values, key, parties)
    audit.record(
        session,
        actor=principal.actor,
        action="recording.stored",
        target=f"recording:{recording_id}",
        reason=admission.reason,
        data={
            "call_id": prepared.call_id,
            "sha256": stored.sha256,
            "size": stored.size,
            "original_sha256": stored.original_sha256,
            "trimmed_to_s": stored.trimmed_to_s,
            "retention_class": kept.retention_class,
            "retain_until": _moment(kept.retain_until),
            "dispose_by": _moment(kept.dispose_by),
            "disposal_due": _moment(kept.disposal_due),
            "retention_policy_version": kept.policy_version,
        },
    )
    if admission.violation is not None:
        _keep_violation(session, principal, recording_id, prepared.call_id, admission)
    recording = Recording(**values)  # a detached copy of the row, for describing it
    recording.parties = [RecordingParty(**party) for party in parties]
    return recording


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _keep_violation(
    session: Session,
    principal: Principal,
    recording_id: str,
    call_id: str,
    admission: Admission,
) -> None:
    """A recording kept in breach of the ledger: a violation on the call, a high finding."""
    assert admission.violation is not None
    calls.record_recording_violation(session, principal, call_id, recording_id, admission.violation)
    findings.open_finding(
        session,
        principal.actor,
        recording_id=recording_id,
        check_name="intake",
        kind="notice_not_in_ledger",
        severity="high",
        summary=f"{admission.violation}; the audio check clears this if it hears the notice",
        detail={"parties": list(admission.missing_notice)},
    )


def _agent(
    session: Session, call: CallSnapshot, username: str | None
) -> tuple[str | None, str | None]:
    """The agent's user and team: named at upload, else the call's (named when it was
    created), else the call's agent_team by name. So the agent who may read the call may also
    find and play its recording."""
    if username:
        user = identities.find_user(session, username)
        if user is None:
            raise InvalidInput(f"unknown agent {username!r}: no such user")
        return user.id, user.team_id
    if call.agent_user_id is not None or call.team_id is not None:
        return call.agent_user_id, call.team_id
    team_name = call.facts.get("agent_team")
    team = identities.find_team(session, team_name) if team_name else None
    return None, team.id if team else None
