"""The audit trail in the console: filter and page through the events, and verify the chain.

The list calls the same `audit.service.find` as `GET /v1/audit/events`, newest first because a
person opening the trail wants what just happened; the verification is the API's and the CLI's
(`checkpointing.verify_stored`: the chain, then the signed checkpoints kept outside the
database). Verifying is a GET: it reads one snapshot and writes nothing, as `GET
/v1/audit/verify` does, so its result can be reloaded or linked, and no form token is needed.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.audit import checkpointing
from callwarden.audit import service as audit
from callwarden.config import Settings
from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput
from callwarden.kit.inputs import EARLIEST, LATEST, MAX_STORED_INT
from callwarden.models import AuditEvent
from callwarden.server.deps import read_session, settings
from callwarden.server.paging import Cursor
from callwarden.web.deps import console_requires
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Audit trail", "/audit", "audit.read", order=700, group=OVERSIGHT)
PAGE_SIZE = 50
SHORT_HASH = 12
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _text(value: str | None) -> str | None:
    """A GET form sends empty fields as empty text: that means no filter."""
    value = (value or "").strip()
    return value or None


def _moment(value: str | None, name: str) -> datetime | None:
    """A time from the form: ISO 8601, read as UTC when it has no zone (the field says so)."""
    text = _text(value)
    if text is None:
        return None
    try:
        if not _MOMENT.match(text):
            raise ValueError(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{name}: write a time as 2026-11-27T10:00 (UTC)") from None
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if not EARLIEST <= moment < LATEST:
        raise InvalidInput(f"{name}: must be between {EARLIEST.year} and {LATEST.year - 1}")
    return moment


def _position(value: str | None) -> int | None:
    text = _text(value)
    if text is None:
        return None
    if not text.isdigit() or not 1 <= int(text) <= MAX_STORED_INT:
        raise InvalidInput("up to position: a whole number of 1 or more")
    return int(text)


def readable(data: dict[str, Any]) -> str | None:
    """An event's data as one `key: value` line per field (values as JSON, so a string, a
    number and null stay distinguishable), denser than indented JSON in a table cell."""
    if not data:
        return None
    return "\n".join(
        f"{key}: {json.dumps(value, sort_keys=True, ensure_ascii=False)}"
        for key, value in sorted(data.items())
    )


def shown(event: AuditEvent) -> dict[str, Any]:
    """One event as the page shows it: the data as text (escaped by the template like
    everything else), the hashes short with the full ones kept for hover."""
    return {
        "seq": event.seq,
        "occurred_at": event.occurred_at,
        "actor": event.actor,
        "action": event.action,
        "target": event.target,
        "reason": event.reason,
        "data": readable(event.data),
        "hash": event.hash,
        "short_hash": event.hash[:SHORT_HASH],
        "prev_hash": event.prev_hash,
    }


@router.get("/audit")
def audit_trail(
    request: Request,
    action: str | None = Query(default=None, max_length=80),
    actor: str | None = Query(default=None, max_length=120),
    target: str | None = Query(default=None, max_length=200),
    since: str | None = Query(default=None, max_length=40),
    until: str | None = Query(default=None, max_length=40),
    up_to: str | None = Query(default=None, max_length=20),
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("audit.read")),
    session: Session = Depends(read_session),
) -> Response:
    """A page of events, newest first, with the filters `GET /v1/audit/events` takes."""
    where = audit.EventFilter(
        actor=_text(actor),
        action=_text(action),
        target=_text(target),
        since=_moment(since, "since"),
        until=_moment(until, "until"),
        up_to_seq=_position(up_to),
    )
    found = audit.find(session, where, cursor, PAGE_SIZE, newest_first=True)
    form = {
        "action": _text(action) or "",
        "actor": _text(actor) or "",
        "target": _text(target) or "",
        "since": _text(since) or "",
        "until": _text(until) or "",
        "up_to": _text(up_to) or "",
    }
    context = {
        "events": [shown(event) for event in found.rows],
        "next_cursor": found.next_cursor,
        "form": form,
        "filtered": any(form.values()),
        "title": "Audit trail",
    }
    return render(request, "audit_trail.html", context, who=who)


@router.get("/audit/verify")
def verify_chain(
    request: Request,
    who: Principal = Depends(console_requires("audit.read")),
    session: Session = Depends(read_session),
    current: Settings = Depends(settings),
) -> Response:
    """Re-walk the whole chain now and hold it to the signed checkpoints, as `callwarden audit
    verify` does; on a failure, the stored event at the first bad position, if one is there."""
    report = checkpointing.verify_stored(session, current)
    bad = None
    if report.broken_at is not None:
        at = audit.find(
            session, audit.EventFilter(up_to_seq=report.broken_at), None, 1, newest_first=True
        )
        if at.rows and at.rows[0].seq == report.broken_at:
            bad = shown(at.rows[0])
    context = {"report": report, "bad": bad, "title": "Audit chain verification"}
    return render(request, "audit_verify.html", context, who=who, status=200)
