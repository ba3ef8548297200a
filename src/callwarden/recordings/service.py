"""Finding, playing and exporting recordings; every listen and export is audited with its reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity import service as identities
from callwarden.identity.policies import Verdict, may_listen, require
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.kit.errors import CallwardenError, Conflict, Forbidden, InvalidInput, NotFound
from callwarden.kit.pagination import Slice
from callwarden.models import Recording, RecordingAssignment
from callwarden.policy import service as policies
from callwarden.recordings import repository
from callwarden.recordings.access import may_download, may_play, may_see
from callwarden.recordings.playback import ByteRange, parse_range, stream
from callwarden.recordings.restrictions import restriction_on
from callwarden.recordings.schemas import SearchFilter
from callwarden.training import repository as trainings
from callwarden.vault.keyring import Keyring
from callwarden.vault.runtime import Vault
from callwarden.vault.wrapping import WrappedKey

MIN_REASON = 4
REWRAP_BATCH = 500  # flushed together while re-wrapping data keys


class HiddenRecording(NotFound):
    """A recording that exists but that the caller may not see: answered exactly as a missing
    one (existence is not disclosed), while `reason` goes to the audit trail as a denial."""

    def __init__(self, recording_id: str, reason: str) -> None:
        super().__init__(f"no recording {recording_id!r} that you may see")
        self.reason = reason


class RecordingDisposed(CallwardenError):
    """A recording disposed of under the retention schedule or an erasure: its key is destroyed
    and its object deleted, so there is nothing to open; the row stays as its tombstone."""

    status, code, title = 410, "recording_disposed", "Recording disposed"


def get_visible(session: Session, principal: Principal, recording_id: str) -> Recording:
    """The recording if this principal may see it; otherwise 404 (existence is not disclosed).

    Raises `HiddenRecording` (a 404) when it exists but is out of the caller's sight, so the
    route can audit the refused attempt with its reason.
    """
    require(principal, "recordings.search")
    found = repository.get_within(session, recording_id, repository.visible(principal))
    if found is not None:
        return found
    hidden = repository.get(session, recording_id)
    if hidden is None:
        raise NotFound(f"no recording {recording_id!r} that you may see")
    verdict = may_see(principal, hidden, _assigned(session, principal, hidden.id))
    raise HiddenRecording(recording_id, verdict.reason)


def _assigned(session: Session, principal: Principal, recording_id: str) -> bool:
    if principal.user_id is None:
        return False
    return repository.is_assigned(session, principal.user_id, recording_id)


def _check_reason(reason: str | None) -> str:
    if reason is None or len(reason.strip()) < MIN_REASON:
        raise InvalidInput(
            "say why you are accessing this recording: ?reason=... (at least 4 characters)"
        )
    return reason.strip()[:500]


def authorise(
    session: Session, principal: Principal, recording_id: str, reason: str | None, export: bool
) -> tuple[Recording, str, Verdict, str]:
    """The recording, the reason, why this principal may play (or export) it, and its wrapped
    data key; or the error a refused, unexplained or no longer playable access gets."""
    recording = get_visible(session, principal, recording_id)
    why = _check_reason(reason)
    verdict = (
        may_download(principal, recording, restriction_on(session, recording))
        if export
        else play_verdict(session, principal, recording)
    )
    if not verdict:
        action = "export" if export else "play"
        raise Forbidden(verdict.reason, recording_id=recording.id, attempted=action)
    if recording.state == "disposed":
        raise RecordingDisposed(
            f"recording {recording.id} was disposed of on {recording.disposed_at:%Y-%m-%d}: "
            "its key was destroyed and its audio deleted",
            recording_id=recording.id,
        )
    key = repository.data_key(session, recording.id)
    if key is None or key.wrapped is None or recording.state != "stored":
        raise Conflict(f"recording {recording.id} can no longer be played: its key was destroyed")
    return recording, why, verdict, key.wrapped


def play_verdict(session: Session, principal: Principal, recording: Recording) -> Verdict:
    """Whether this principal may listen to a recording they see, and why (for a page that
    offers the player only to those who may use it, and says why not to the others)."""
    assigned = _assigned(session, principal, recording.id)
    return may_play(
        principal,
        recording,
        assigned,
        auditors_may_listen(session, principal),
        overdue_training(session, principal),
        restriction_on(session, recording),
    )


def role_listens(session: Session, principal: Principal) -> Verdict:
    """Whether this principal's role listens at all, the policy's grant to auditors included
    (for a page that says so before any one recording's rules)."""
    return may_listen(
        principal,
        auditors_may_listen=auditors_may_listen(session, principal),
        overdue_training=overdue_training(session, principal),
    )


def auditors_may_listen(session: Session, principal: Principal) -> bool:
    """Whether the policy in force lets auditors listen (read only for an auditor: nobody
    else's right depends on it; no policy in force grants nothing)."""
    if principal.role is not Role.AUDITOR:
        return False
    try:
        return policies.active_compiled(session).document.access.auditors_may_listen
    except NotFound:
        return False


def overdue_training(session: Session, principal: Principal) -> list[str]:
    """What a supervisor or QA reviewer has overdue, when the policy in force makes that cost
    them access to recordings (`training.overdue: no_access`); empty for everyone else."""
    if principal.role not in (Role.SUPERVISOR, Role.QA_REVIEWER) or principal.user_id is None:
        return []
    try:
        consequence = policies.active_compiled(session).document.training.overdue
    except NotFound:
        return []
    if consequence != "no_access":
        return []
    return trainings.overdue_of(session, principal.user_id, clock.now())


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
    recording, why, verdict, wrapped = authorise(session, principal, recording_id, reason, export)
    selected = None if export else parse_range(range_header, recording.size)
    body = stream(vault, recording, wrapped, selected, verify_whole_bytes)
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


def search(
    session: Session, principal: Principal, where: SearchFilter, cursor: str | None, limit: int
) -> Slice[Recording]:
    """One page of the recordings matching the filter that this principal may see, by id."""
    require(principal, "recordings.search")
    agent_user_id, team_id = _owners(session, where)
    within = repository.visible(principal)
    return repository.find(session, within, where, agent_user_id, team_id, cursor, limit)


def _owners(session: Session, where: SearchFilter) -> tuple[str | None, str | None]:
    """The ids of the filter's agent and team; an unknown name matches nothing, not all."""
    agent_user_id = team_id = None
    if where.agent:
        user = identities.find_user(session, where.agent)
        agent_user_id = user.id if user else "-"
    if where.team:
        team = identities.find_team(session, where.team)
        team_id = team.id if team else "-"
    return agent_user_id, team_id


def assign(
    session: Session, principal: Principal, recording_id: str, username: str
) -> RecordingAssignment:
    """Give a QA reviewer a recording to review."""
    require(principal, "recordings.assign")
    recording = get_visible(session, principal, recording_id)
    user = identities.find_user(session, username)
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
    repository.add(session, row)
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
    """Mark a recording private (heard only by its participants and legal), or not, with why."""
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


def rewrap_data_keys(
    session: Session,
    keyring: Keyring,
    version: int,
    actor: str,
    scheme: str | None,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-wrap every data key not yet under key-encryption key `version` (the audio is not
    touched: only the small wrapped keys change), and audit the rotation. Returns how many.

    `keyring` is the rotated key ring (it must unwrap the old versions and wrap the new one);
    `on_progress(done, total)` is told after each key, for a progress bar.
    """
    total = repository.count_keys_not_under(session, version)
    moved = 0
    for key in repository.keys_not_under(session, version):
        assert key.wrapped is not None
        rewrapped = keyring.rewrap(WrappedKey.decode(key.wrapped))
        key.wrapped, key.kek_version = rewrapped.encode(), rewrapped.kek_version
        moved += 1
        if on_progress is not None:
            on_progress(moved, total)
        if moved % REWRAP_BATCH == 0:
            session.flush()
    audit.record(
        session,
        actor=actor,
        action="keys.rotated",
        target=f"kek:{version}",
        data={"rewrapped": moved, "scheme": scheme},
    )
    return moved


def data_keys_by_version(session: Session) -> dict[int, int]:
    """How many live data keys each key-encryption key version wraps (for `keys status`)."""
    return repository.key_counts_by_version(session)


def find_recording(session: Session, recording_id: str) -> Recording | None:
    """The recording, or None, whoever may see it: for checks the system runs (holds)."""
    return repository.get(session, recording_id)


def search_condition(session: Session, where: SearchFilter) -> ColumnElement[bool]:
    """SQL condition: the recordings a `GET /v1/recordings` filter matches, with no one's
    access rules (a legal hold's search covers recordings whoever asks), for other domains
    that select by it in bulk."""
    agent_user_id, team_id = _owners(session, where)
    return repository.matching(session, where, agent_user_id, team_id)


def matches(session: Session, recording_id: str, where: SearchFilter) -> bool:
    """Whether this recording matches a search filter, by the same SQL as a search, with no
    one's access rules: a legal hold's search covers recordings whoever asks."""
    agent_user_id, team_id = _owners(session, where)
    within = Recording.id == recording_id
    found = repository.find(session, within, where, agent_user_id, team_id, None, 1)
    return bool(found.rows)


def recordings_of(session: Session, numbers: list[str], call_ids: list[str]) -> list[Recording]:
    """Every recording a person on these numbers was a party to, directly or by its call,
    whoever asks: for a data-subject request, whose service checks who may ask."""
    return repository.of_numbers_or_calls(session, numbers, call_ids)


def sampleable(session: Session, start: datetime, end: datetime) -> list[Recording]:
    """The recordings of a period QA may sample: stored, not private (a private call is heard
    only by its participants and legal, so it never enters a QA sample) and not restricted by
    an open private-call case (`restrictions`)."""
    return repository.sampleable(session, start, end)


def assign_for_review(
    session: Session, actor: str, recording_id: str, user_id: str, reason: str
) -> bool:
    """Let a reviewer play a recording a QA plan gave them (the caller checked the plan's
    permission and the reviewer's eligibility); False when they already had it."""
    if repository.is_assigned(session, user_id, recording_id):
        return False
    repository.add(
        session,
        RecordingAssignment(
            recording_id=recording_id, user_id=user_id, assigned_by=actor, assigned_at=clock.now()
        ),
    )
    audit.record(
        session,
        actor=actor,
        action="recording.assigned",
        target=f"recording:{recording_id}",
        reason=reason,
        data={"reviewer_user_id": user_id},
    )
    return True
