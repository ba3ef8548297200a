"""Finding, playing and exporting recordings; every listen and export is audited with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import repository as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from callwarden.models import DataKey, Recording, RecordingAssignment, RecordingParty
from callwarden.vault.access import may_download, may_play, may_see, visible
from callwarden.vault.playback import ByteRange, parse_range, stream
from callwarden.vault.runtime import Vault

MIN_REASON = 4


class HiddenRecording(NotFound):
    """A recording that exists but that the caller may not see: answered exactly as a missing
    one (existence is not disclosed), while `reason` goes to the audit trail as a denial."""

    def __init__(self, recording_id: str, reason: str) -> None:
        super().__init__(f"no recording {recording_id!r} that you may see")
        self.reason = reason


def get_visible(session: Session, principal: Principal, recording_id: str) -> Recording:
    """The recording if this principal may see it; otherwise 404 (existence is not disclosed).

    Raises `HiddenRecording` (a 404) when it exists but is out of the caller's sight, so the
    route can audit the refused attempt with its reason.
    """
    require(principal, "recordings.search")
    found = session.execute(
        select(Recording).where(Recording.id == recording_id, visible(principal))
    ).scalar_one_or_none()
    if found is not None:
        return found
    hidden = session.get(Recording, recording_id)
    if hidden is None:
        raise NotFound(f"no recording {recording_id!r} that you may see")
    verdict = may_see(principal, hidden, _assigned(session, principal, hidden.id))
    raise HiddenRecording(recording_id, verdict.reason)


def _assigned(session: Session, principal: Principal, recording_id: str) -> bool:
    if principal.user_id is None:
        return False
    query = select(RecordingAssignment.id).where(
        RecordingAssignment.recording_id == recording_id,
        RecordingAssignment.user_id == principal.user_id,
    )
    return session.execute(query).first() is not None


def _check_reason(reason: str | None) -> str:
    if reason is None or len(reason.strip()) < MIN_REASON:
        raise InvalidInput(
            "say why you are accessing this recording: ?reason=... (at least 4 characters)"
        )
    return reason.strip()[:500]


@dataclass(frozen=True)
class Playback:
    recording: Recording
    size: int
    selected: ByteRange | None
    body: Iterator[bytes]
    export: bool
    reason: str
    basis: str  # why the caller may listen (or export)
    verified_whole: bool  # the whole span authenticated before the answer


def open_audio(
    session: Session,
    vault: Vault,
    principal: Principal,
    recording_id: str,
    reason: str | None,
    range_header: str | None,
    export: bool = False,
    verify_whole_bytes: int = 0,
) -> Playback:
    """Authorise and open a playback (or a whole-file export); `record_playback` audits it.

    This only reads, so the caller can run it in a read transaction: opening and
    authenticating up to `verify_whole_bytes` of audio never holds SQLite's write lock. What
    can be checked before the answer (see `playback`) raises a `VaultIntegrityError` here, so
    the caller records the damage instead of a play that never happened.
    """
    recording = get_visible(session, principal, recording_id)
    why = _check_reason(reason)
    verdict = (
        may_download(principal, recording)
        if export
        else may_play(principal, recording, _assigned(session, principal, recording.id))
    )
    if not verdict:
        action = "export" if export else "play"
        raise Forbidden(verdict.reason, recording_id=recording.id, attempted=action)
    key = session.get(DataKey, recording.id)
    if key is None or key.wrapped is None or recording.state != "stored":
        raise Conflict(f"recording {recording.id} can no longer be played: its key was destroyed")
    selected = None if export else parse_range(range_header, recording.size)
    body = stream(vault, recording, key.wrapped, selected, verify_whole_bytes)
    span_length = selected.length if selected else recording.size
    verified_whole = span_length <= verify_whole_bytes
    return Playback(
        recording, recording.size, selected, body, export, why, verdict.reason, verified_whole
    )


def record_playback(session: Session, principal: Principal, playback: Playback) -> None:
    """The access event, written before the first byte leaves: who, why, which bytes."""
    span = playback.selected or ByteRange(0, playback.size)
    audit.record(
        session,
        actor=principal.actor,
        action="recording.exported" if playback.export else "recording.played",
        target=f"recording:{playback.recording.id}",
        reason=playback.reason,
        data={
            "range": [span.start, span.end - 1],
            "bytes": span.length,
            "whole": playback.selected is None,
            "role": principal.role.value,
            "basis": playback.basis,
            "verified_before_sending": playback.verified_whole,
        },
    )


@dataclass(frozen=True)
class SearchFilter:
    number: str | None = None
    agent: str | None = None
    team: str | None = None
    queue: str | None = None
    jurisdiction: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    purpose: str | None = None
    retention_class: str | None = None
    call_id: str | None = None
    after: str | None = None


def search(
    session: Session, principal: Principal, where: SearchFilter, limit: int
) -> list[Recording]:
    """Recordings matching the filter that this principal may see, newest id last, paginated."""
    require(principal, "recordings.search")
    query = select(Recording).where(visible(principal))
    if where.number:
        query = query.where(
            Recording.id.in_(
                select(RecordingParty.recording_id).where(RecordingParty.number == where.number)
            )
        )
    if where.jurisdiction:
        query = query.where(
            Recording.id.in_(
                select(RecordingParty.recording_id).where(
                    RecordingParty.jurisdiction == where.jurisdiction
                )
            )
        )
    if where.agent:
        user = identities.user_by_username(session, where.agent)
        query = query.where(Recording.agent_user_id == (user.id if user else "-"))
    if where.team:
        team = identities.team_by_name(session, where.team)
        query = query.where(Recording.team_id == (team.id if team else "-"))
    for column, value in (
        (Recording.queue, where.queue),
        (Recording.retention_class, where.retention_class),
        (Recording.call_id, where.call_id),
    ):
        if value:
            query = query.where(column == value)
    if where.since:
        query = query.where(Recording.started_at >= where.since)
    if where.until:
        query = query.where(Recording.started_at < where.until)
    if where.after:
        query = query.where(Recording.id > where.after)
    if where.purpose:
        query = query.where(_has_purpose(session, where.purpose))
    return list(session.execute(query.order_by(Recording.id).limit(limit)).scalars())


def _has_purpose(session: Session, purpose: str) -> ColumnElement[bool]:
    """`purpose` is among the recording's purposes (a JSON list), tested in SQL so that the
    limit and the cursor count only matching rows."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(Recording.purposes).table_valued("value")
    else:
        elements = func.json_each(Recording.purposes).table_valued("value")
    return exists(select(1).select_from(elements).where(elements.c.value == purpose))


def assign(
    session: Session, principal: Principal, recording_id: str, username: str
) -> RecordingAssignment:
    """Give a QA reviewer a recording to review."""
    require(principal, "recordings.assign")
    recording = get_visible(session, principal, recording_id)
    user = identities.user_by_username(session, username)
    if user is None or user.role != "qa_reviewer":
        raise InvalidInput(f"{username!r} is not a QA reviewer")
    if _assigned(session, Principal(actor="", role=principal.role, user_id=user.id), recording.id):
        raise Conflict(f"{username} is already assigned to {recording.id}")
    row = RecordingAssignment(
        recording_id=recording.id,
        user_id=user.id,
        assigned_by=principal.actor,
        assigned_at=clock.now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="recording.assigned",
        target=f"recording:{recording.id}",
        data={"reviewer": username},
    )
    return row


def flag_private(
    session: Session, principal: Principal, recording_id: str, private: bool, reason: str
) -> Recording:
    require(principal, "recordings.flag_private")
    recording = get_visible(session, principal, recording_id)
    recording.private = private
    audit.record(
        session,
        actor=principal.actor,
        action="recording.private_set",
        target=f"recording:{recording.id}",
        reason=_check_reason(reason),
        data={"private": private},
    )
    return recording
