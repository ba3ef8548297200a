"""Legal holds: create, read, re-scope and release them, and ask which ones keep a recording.

A hold is evaluated when asked, against what the recording and its call are then, so a hold on
a number keeps tomorrow's calls from it. Every change is audited in the caller's transaction;
a hold is released with a reason and never deleted. Services take a Session and never commit.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from callwarden.models import LegalHold
from callwarden.recordings import service as recordings
from callwarden.retention import coverage, repository, scope
from callwarden.retention.scope import Facts, Scope

MIN_REASON = 4
BROAD_OVER = 1000  # the default of CALLWARDEN_HOLD_BROAD_SCOPE
MAX_REASON = 1000
MAX_MATTER = 200


def _reason(text: str, what: str = "reason") -> str:
    cleaned = (text or "").strip()
    if not MIN_REASON <= len(cleaned) <= MAX_REASON:
        raise InvalidInput(f"a {what} of {MIN_REASON} to {MAX_REASON} characters is required")
    return cleaned


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


class BroadScope(Conflict):
    """A scope that keeps more than the threshold, or has a time range open at one end, is
    made only when the caller confirms it: a typo ("from 2016" for "from 2026") would keep
    years of recordings that should have been disposed of."""

    code, title = "confirm_broad_required", "Broad hold scope: confirmation required"


def _open_ended(held: Scope) -> bool:
    if held.has_time_range and (held.started_from is None or held.started_to is None):
        return True
    return ("from" in held.search) != ("to" in held.search)


def _confirm_broad(session: Session, held: Scope, confirmed: bool, broad_over: int) -> int | None:
    """The count of a broad scope the caller confirmed (None when it is not broad), or
    BroadScope stating the count."""
    count = coverage.count_covered_by(session, held)
    open_ended = _open_ended(held)
    if count <= broad_over and not open_ended:
        return None
    if not confirmed:
        why = [f"this scope keeps {count:,} recordings now"]
        if count > broad_over:
            why[0] += f" (more than {broad_over:,})"
        if open_ended:
            why.append(
                "its time range is open at one end, so it keeps every later (or earlier) call"
            )
        raise BroadScope(
            "; ".join(why) + ": send confirm_broad: true to make it anyway",
            count=count,
            threshold=broad_over,
            open_ended=open_ended,
        )
    return count


def create(
    session: Session,
    principal: Principal,
    matter: str,
    reason: str,
    data: Mapping[str, Any],
    confirm_broad: bool = False,
    broad_over: int = BROAD_OVER,
) -> LegalHold:
    """Open a hold for a matter; it covers what its scope matches now and later."""
    require(principal, "holds.manage")
    name = (matter or "").strip()
    if not 1 <= len(name) <= MAX_MATTER:
        raise InvalidInput(f"a matter name of 1 to {MAX_MATTER} characters is required")
    why = _reason(reason)
    checked = _checked_scope(session, data)
    broad = _confirm_broad(session, checked, confirm_broad, broad_over)
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
        data={"matter": name, "scope": hold.scope, "confirmed_broad": broad},
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
    session: Session,
    principal: Principal,
    hold_id: str,
    data: Mapping[str, Any],
    reason: str,
    confirm_broad: bool = False,
    broad_over: int = BROAD_OVER,
) -> LegalHold:
    """Give an active hold a new scope, with why; the old and new scopes are audited."""
    hold = _open(session, principal, hold_id)
    why = _reason(reason)
    before = hold.scope
    checked = _checked_scope(session, data)
    broad = _confirm_broad(session, checked, confirm_broad, broad_over)
    hold.scope = checked.as_json()
    session.flush()
    audit.record(
        session,
        actor=principal.actor,
        action="hold.scope_changed",
        target=f"hold:{hold.id}",
        reason=why,
        data={"before": before, "after": hold.scope, "confirmed_broad": broad},
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
            held.search
            and recordings.matches(session, recording_id, coverage.filter_of(held.search))
        ):
            covering.append(hold)
    return covering


def covering_visible(session: Session, principal: Principal, recording_id: str) -> list[LegalHold]:
    """The active holds on a recording the principal may see (else NotFound, as for any look)."""
    require(principal, "holds.read")
    recordings.get_visible(session, principal, recording_id)
    return holds_covering(session, recording_id)
