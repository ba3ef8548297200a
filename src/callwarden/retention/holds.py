"""Legal holds: create, read, re-scope and release them, and ask which ones keep a recording.

A hold is evaluated when asked, against what the recording and its call are then, so a hold on
a number keeps tomorrow's calls from it. Every change is audited in the caller's transaction;
a hold is released with a reason and never deleted. Services take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.calls import service as calls
from callwarden.identity import service as identities
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.kit.pagination import Slice
from callwarden.models import LegalHold, Recording
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.retention import repository, scope
from callwarden.retention.scope import Facts, Scope

MIN_REASON = 4
MAX_REASON = 1000
MAX_MATTER = 200
COVERAGE_BATCH = 500  # recordings read at a time when counting what a scope keeps


def _reason(text: str, what: str = "reason") -> str:
    cleaned = (text or "").strip()
    if not MIN_REASON <= len(cleaned) <= MAX_REASON:
        raise InvalidInput(f"a {what} of {MIN_REASON} to {MAX_REASON} characters is required")
    return cleaned


def _matter(text: str) -> str:
    name = (text or "").strip()
    if not 1 <= len(name) <= MAX_MATTER:
        raise InvalidInput(f"a matter name of 1 to {MAX_MATTER} characters is required")
    return name


def _checked_scope(session: Session, data: Mapping[str, Any]) -> Scope:
    """The scope, valid, with agents and teams that exist (a misspelt name would hold nothing)."""
    parsed = scope.parse(data)
    if parsed.is_empty():
        raise InvalidInput(
            "a hold needs a scope: recording_ids, call_ids, numbers, agents, teams, "
            "started (a time range) or search"
        )
    for username in sorted(parsed.agents):
        if identities.find_user(session, username) is None:
            raise InvalidInput(f"scope.agents: no user {username!r}")
    for name in sorted(parsed.teams):
        if identities.find_team(session, name) is None:
            raise InvalidInput(f"scope.teams: no team {name!r}")
    return parsed


def create(
    session: Session, principal: Principal, matter: str, reason: str, data: Mapping[str, Any]
) -> LegalHold:
    """Open a hold for a matter; it covers what its scope matches now and later."""
    require(principal, "holds.manage")
    name = (matter or "").strip()
    if not 1 <= len(name) <= MAX_MATTER:
        raise InvalidInput(f"a matter name of 1 to {MAX_MATTER} characters is required")
    why = _reason(reason)
    checked = _checked_scope(session, data)
    hold = LegalHold(
        id=new_id("hold"),
        matter=name,
        reason=why,
        scope=checked.as_json(),
        created_by=principal.actor,
        created_at=clock.now(),
    )
    repository.add(session, hold)
    audit.record(
        session,
        actor=principal.actor,
        action="hold.created",
        target=f"hold:{hold.id}",
        reason=why,
        data={"matter": name, "scope": hold.scope},
    )
    return hold


def get(session: Session, principal: Principal, hold_id: str) -> LegalHold:
    require(principal, "holds.read")
    hold = repository.get(session, hold_id)
    if hold is None:
        raise NotFound(f"no hold {hold_id!r}")
    return hold


def list_holds(
    session: Session,
    principal: Principal,
    active: bool | None,
    cursor: str | None,
    limit: int,
) -> Slice[LegalHold]:
    """A page of holds, oldest first; `active` True or False keeps only active or released."""
    require(principal, "holds.read")
    return repository.page(session, active, cursor, limit)


def _open(session: Session, principal: Principal, hold_id: str) -> LegalHold:
    require(principal, "holds.manage")
    hold = repository.locked(session, hold_id)
    if hold is None:
        raise NotFound(f"no hold {hold_id!r}")
    if hold.released_at is not None:
        raise Conflict(f"hold {hold_id} was released on {hold.released_at.isoformat()}")
    return hold


def change_scope(
    session: Session, principal: Principal, hold_id: str, data: Mapping[str, Any], reason: str
) -> LegalHold:
    """Give an active hold a new scope, with why; the old and new scopes are audited."""
    hold = _open(session, principal, hold_id)
    why = _reason(reason)
    before = hold.scope
    hold.scope = _checked_scope(session, data).as_json()
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="hold.scope_changed",
        target=f"hold:{hold.id}",
        reason=why,
        data={"before": before, "after": hold.scope},
    )
    return hold


def release(session: Session, principal: Principal, hold_id: str, reason: str) -> LegalHold:
    """End a hold, with why. The row stays: that it existed and what it kept is evidence."""
    hold = _open(session, principal, hold_id)
    why = _reason(reason)
    hold.released_at = clock.now()
    hold.released_by = principal.actor
    hold.release_reason = why
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="hold.released",
        target=f"hold:{hold.id}",
        reason=why,
        data={"matter": hold.matter},
    )
    return hold


def _facts(session: Session, recording_id: str) -> Facts | None:
    recording = recordings.find_recording(session, recording_id)
    if recording is None:
        return None
    numbers = {party.number for party in recording.parties if party.number}
    call = calls.find_call(session, recording.call_id)
    started: datetime = recording.started_at
    if call is not None:
        numbers |= {party.number for party in call.parties if party.number}
        started = call.started_at
    return Facts(
        recording_id=recording.id,
        call_id=recording.call_id,
        numbers=frozenset(numbers),
        agent_user_id=recording.agent_user_id,
        team_id=recording.team_id,
        call_started_at=clock.as_utc(started),
    )


def _search_filter(search: Mapping[str, str]) -> SearchFilter:
    return SearchFilter(
        number=search.get("number"),
        agent=search.get("agent"),
        team=search.get("team"),
        queue=search.get("queue"),
        jurisdiction=search.get("jurisdiction"),
        since=scope.moment(search["from"], "from") if search.get("from") else None,
        until=scope.moment(search["to"], "to") if search.get("to") else None,
        purpose=search.get("purpose"),
        retention_class=search.get("retention_class"),
        call_id=search.get("call_id"),
    )


def holds_covering(session: Session, recording_id: str) -> list[LegalHold]:
    """The active holds that keep this recording, judged now against it and its call.

    For the system's own checks (disposal, erasure): no principal, no access rule."""
    facts = _facts(session, recording_id)
    if facts is None:
        return []
    covering = []
    for hold in repository.active(session):
        held = scope.parse(hold.scope)
        agent_ids = [u.id for n in held.agents if (u := identities.find_user(session, n))]
        team_ids = [t.id for n in held.teams if (t := identities.find_team(session, n))]
        if scope.covers_directly(held, facts, agent_ids, team_ids) or (
            held.search and recordings.matches(session, recording_id, _search_filter(held.search))
        ):
            covering.append(hold)
    return covering


def covering_visible(session: Session, principal: Principal, recording_id: str) -> list[LegalHold]:
    """The active holds on a recording the principal may see (else NotFound, as for any look)."""
    require(principal, "holds.read")
    recordings.get_visible(session, principal, recording_id)
    return holds_covering(session, recording_id)


# What a hold keeps now, for the console. Simple and exactly `holds_covering`'s rule: every
# recording judged one by one. A set-based count (`retention.coverage`) may replace the scan.


def _judge(session: Session, held: Scope) -> Callable[[Recording], bool]:
    """Whether a recording is covered by this scope now (agents and teams looked up once)."""
    agent_ids = [u.id for n in held.agents if (u := identities.find_user(session, n))]
    team_ids = [t.id for n in held.teams if (t := identities.find_team(session, n))]
    where = _search_filter(held.search) if held.search else None

    def covers(recording: Recording) -> bool:
        facts = _facts(session, recording.id)
        if facts is not None and scope.covers_directly(held, facts, agent_ids, team_ids):
            return True
        return where is not None and recordings.matches(session, recording.id, where)

    return covers


@dataclass(frozen=True)
class Coverage:
    """What a scope keeps now: how many recordings, and the first few of them by id."""

    count: int
    first: list[Recording]


def _coverage(session: Session, held: Scope, limit: int) -> Coverage:
    """Every recording not disposed of, judged one by one: a scan, the same answers."""
    covers = _judge(session, held)
    count, cursor = 0, None
    first: list[Recording] = []
    while True:
        batch = recordings.every_recording(session, cursor, COVERAGE_BATCH)
        for recording in batch.rows:
            if covers(recording):
                count += 1
                if len(first) < limit:
                    first.append(recording)
        if batch.next_cursor is None:
            return Coverage(count, first)
        cursor = batch.next_cursor


def covered(session: Session, principal: Principal, hold_id: str, limit: int) -> Coverage:
    """What a hold keeps now; a released hold keeps nothing."""
    hold = get(session, principal, hold_id)
    if hold.released_at is not None:
        return Coverage(0, [])
    return _coverage(session, scope.parse(hold.scope), limit)


def preview(
    session: Session,
    principal: Principal,
    matter: str,
    reason: str,
    data: Mapping[str, Any],
    limit: int,
) -> tuple[Scope, Coverage]:
    """A new hold checked as `create` checks it, and what its scope would keep now: for a
    person to confirm a hold before making it (nothing is stored or audited)."""
    require(principal, "holds.manage")
    _matter(matter)
    _reason(reason)
    checked = _checked_scope(session, data)
    return checked, _coverage(session, checked, limit)
