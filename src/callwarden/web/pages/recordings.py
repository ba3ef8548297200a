"""Recordings: the search with the API's filters, and a recording's page (its metadata, what the
audio check found, the player once a reason is given, the energy picture, and who has listened).

Every rule is the recordings domain's: the search and the page call the services the API calls
(`recordings.service.search`, `get_visible`, `play_verdict`, `recordings.listening`), so a
recording out of reach answers exactly as one that does not exist. The player and the audio
route are in `recording_audio.py`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.errors import CallwardenError, InvalidInput
from callwarden.models import Recording
from callwarden.recordings import listening, service
from callwarden.recordings.described import described
from callwarden.recordings.schemas import SearchFilter, describe
from callwarden.recordings.streaming import denials_audited
from callwarden.retention import holds
from callwarden.retention.schemas import describe as describe_hold
from callwarden.server.deps import database, read_session, settings
from callwarden.server.paging import Cursor, Limit
from callwarden.vault.runtime import vault_for
from callwarden.verification import findings as finding_rows
from callwarden.verification import service as verification
from callwarden.web import grants
from callwarden.web.deps import console_requires
from callwarden.web.energy_picture import draw
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Recordings", "/recordings", "recordings.search", order=30)
PAGE_SIZE = 50
LOG_PAGE_SIZE = 50

# What each audit action about a recording means, in words, for the access log.
ACTIONS = {
    "recording.played": "played",
    "recording.exported": "exported",
    "recording.listening_granted": "gave a reason to listen",
    "access.denied": "was refused",
    "recording.stored": "stored it",
    "recording.analysed": "checked the audio",
    "recording.assigned": "assigned it for review",
    "recording.private_set": "changed the private flag",
}


def _blank(value: str | None) -> str | None:
    """An empty field of a GET form means 'not filtered'."""
    return value.strip() or None if value is not None else None


def _moment(text: str | None, field: str, end_of_day: bool) -> datetime | None:
    """A date (a whole UTC day) or an ISO timestamp with its zone, from a filter field."""
    text = _blank(text)
    if text is None:
        return None
    try:
        if len(text) == 10:
            day = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            return day + timedelta(days=1) if end_of_day else day
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{field}: write a date as 2026-11-27 or a time with its zone") from None
    if moment.tzinfo is None:
        raise InvalidInput(f"{field}: a time needs its zone, e.g. 2026-11-27T10:00:00Z")
    return moment.astimezone(UTC)


@router.get("/recordings")
def search_page(
    request: Request,
    number: str | None = Query(default=None, max_length=32),
    agent: str | None = Query(default=None, max_length=64),
    team: str | None = Query(default=None, max_length=120),
    queue: str | None = Query(default=None, max_length=120),
    jurisdiction: str | None = Query(default=None, max_length=10),
    since: str | None = Query(default=None, alias="from", max_length=40),
    until: str | None = Query(default=None, alias="to", max_length=40),
    purpose: str | None = Query(default=None, max_length=64),
    retention_class: str | None = Query(default=None, max_length=64),
    call_id: str | None = Query(default=None, max_length=40),
    cursor: Cursor = None,
    limit: Limit = PAGE_SIZE,
    who: Principal = Depends(console_requires("recordings.search")),
    session: Session = Depends(read_session),
) -> Response:
    """The recordings this person may see that match the filters, a page at a time."""
    asked = {
        "number": _blank(number),
        "agent": _blank(agent),
        "team": _blank(team),
        "queue": _blank(queue),
        "jurisdiction": _blank(jurisdiction),
        "purpose": _blank(purpose),
        "retention_class": _blank(retention_class),
        "call_id": _blank(call_id),
    }
    where = SearchFilter(
        **asked,
        since=_moment(since, "from", end_of_day=False),
        until=_moment(until, "to", end_of_day=True),
    )
    found = service.search(session, who, where, _blank(cursor), limit)
    context = {
        "asked": {**asked, "from": _blank(since) or "", "to": _blank(until) or ""},
        "rows": [describe(row) for row in found.rows],
        "next_cursor": found.next_cursor,
    }
    return render(request, "recordings_search.html", context, who=who)


@router.get("/recordings/{recording_id}")
def recording_page(
    request: Request,
    recording_id: str,
    grant: str | None = Query(default=None, max_length=400),
    log_cursor: str | None = Query(default=None, max_length=400),
    who: Principal = Depends(console_requires("recordings.search")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    """One recording as this person may see it; with a valid grant, the player and picture."""
    with denials_audited(db, who, "recordings.search", recording_id), db.reading() as session:
        recording = service.get_visible(session, who, recording_id)
        shown = described(session, recording)
        found = [
            finding_rows.describe(row) for row in verification.list_findings(session, recording.id)
        ]
        verdict = service.play_verdict(session, who, recording)
        role_plays = service.role_listens(session, who)
        log = None
        if may(who, "recordings.access_log"):
            log = listening.access_log(session, who, recording.id, log_cursor, LOG_PAGE_SIZE)
        player = (
            _player(request, session, who, config, recording, grant, found) if verdict else None
        )
        kept_by = None  # the holds are judged now, for the roles that may read holds
        if may(who, "holds.read"):
            kept_by = [
                describe_hold(hold) for hold in holds.covering_visible(session, who, recording.id)
            ]
        context = {
            "recording": shown,
            "analysed_at": recording.analysed_at,
            "analysis_error": recording.analysis_error,
            "findings": found,
            "verdict": verdict,
            "role_plays": role_plays,
            "log": log.rows if log else None,
            "log_next": log.next_cursor if log else None,
            "actions": ACTIONS,
            "player": player,
            "grant_given": grant is not None,
            "kept_by": kept_by,
            "own_call": who.user_id is not None and recording.agent_user_id == who.user_id,
        }
        return render(request, "recordings_page.html", context, who=who)


def _player(
    request: Request,
    session: Session,
    who: Principal,
    config: Settings,
    recording: Recording,
    grant: str | None,
    found: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """The player and the energy picture, only under a grant naming a reason this person
    recorded for this recording; None means the page asks for the reason."""
    seq = grants.recorded_seq(request, grant, recording.id)
    reason = listening.granted_reason(session, who, recording.id, seq) if seq else None
    if reason is None:
        return None
    picture, problem = None, None
    try:
        profile = listening.energy(
            session, vault_for(config), who, recording.id, reason, config.playback_verify_bytes
        )
    except CallwardenError as failed:
        profile, problem = None, failed.detail
    if profile is not None:
        picture = draw(profile, list(recording.channel_map), list(recording.pauses), found)
    elif problem is None:
        problem = "the recording is too long to draw here"
    return {"grant": grant, "reason": reason, "picture": picture, "problem": problem}
