"""Calls: the list a person filters and pages through, and one call's whole story.

The list takes the API's filters (`GET /v1/calls`: from, to, state, a cursor) and calls the same
service function, so a role sees exactly the calls the API gives it. A call's page shows what
`GET /v1/calls/{id}` holds (decision, parties, events, pauses) drawn for a person, and the
call's recordings as a recordings search for that call finds them. A call out of the viewer's
reach is the same "nothing here" page as a call that does not exist: the service says NotFound
for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Depends, Query, Request
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.calls import ledger
from callwarden.calls import service as calls
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import InvalidInput
from callwarden.kit.inputs import QueryTimestamp
from callwarden.kit.pagination import DEFAULT_LIMIT
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.server.deps import read_session
from callwarden.server.paging import Cursor, Limit
from callwarden.web import consent_timeline
from callwarden.web.deps import console_requires
from callwarden.web.nav import NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Calls", "/calls", "calls.read", order=10)

STATES = ("active", "ended")
_MOMENT: TypeAdapter[datetime] = TypeAdapter(QueryTimestamp)
# How a party's place was known, in words (the decision's own detail follows it).
LOCATED = {
    "explicit": "given by the phone system",
    "presumed": "presumed",
    "unknown": "not known",
    "policy": "set by the policy",
}
RECORDINGS_SHOWN = 50


def _moment(name: str, text: str | None) -> datetime | None:
    """A filter's time as the API reads it (ISO 8601; without a zone, UTC); empty is none."""
    if not text:
        return None
    try:
        return as_utc(_MOMENT.validate_python(text))
    except ValidationError as invalid:
        raise InvalidInput(f"{name}: {invalid.errors()[0]['msg']}") from None


@router.get("/calls")
def calls_list(
    request: Request,
    since: str | None = Query(default=None, alias="from", max_length=40),
    until: str | None = Query(default=None, alias="to", max_length=40),
    state: str | None = Query(default=None, max_length=16),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(console_requires("calls.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The calls this person may read, newest first, a page at a time."""
    if state and state not in STATES:
        raise InvalidInput(f"state: use one of {', '.join(STATES)}")
    found = calls.list_calls(
        session,
        who,
        _moment("from", since),
        _moment("to", until),
        state or None,
        cursor,
        limit,
    )
    context = {
        "title": "Calls",
        "calls": found.rows,
        "next_cursor": found.next_cursor,
        "filters": {"from": since or "", "to": until or "", "state": state or ""},
        "states": STATES,
        "paged": cursor is not None,
    }
    return render(request, "calls_list.html", context, who=who)


def _parties(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Each party with the decision's finding for it (the decision lists them in order)."""
    findings = detail["decision"].get("jurisdictions", [])
    shown = []
    for position, party in enumerate(detail["parties"]):
        finding = findings[position] if position < len(findings) else {}
        shown.append(
            {
                **party,
                "located": LOCATED.get(party["location_source"], party["location_source"]),
                "located_detail": finding.get("detail"),
                "uncertain": finding.get("uncertain", False),
            }
        )
    return shown


def _since(start: datetime, moment: str) -> float:
    return (datetime.fromisoformat(moment) - start).total_seconds()


@router.get("/calls/{call_id}")
def call_page(
    request: Request,
    call_id: str,
    who: Principal = Depends(console_requires("calls.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One call: its decision and why, its parties, its consent timeline, violations and
    recordings."""
    call = calls.get_call(session, who, call_id)
    detail = ledger.call_detail(session, call)
    found_recordings = None
    if may(who, "recordings.search"):
        where = SearchFilter(call_id=call.id)
        found_recordings = recordings.search(session, who, where, None, RECORDINGS_SHOWN).rows
    violations = [e for e in detail["events"] if not e["accepted"] or e["violation"]]
    events = [
        {**event, "into": consent_timeline.elapsed(_since(call.started_at, event["occurred_at"]))}
        for event in detail["events"]
    ]
    context = {
        "title": f"Call {call.id}",
        "call": detail,
        "queue": call.facts.get("queue"),
        "line": call.facts.get("line"),
        "decision": detail["decision"],
        "parties": _parties(detail),
        "timeline": consent_timeline.build(detail),
        "violations": violations,
        "recordings": found_recordings,
        "events": events,
    }
    return render(request, "calls_page.html", context, who=who)
