"""The legal-hold form of the console: its fields to a scope (the JSON `retention.scope.parse`
reads, so the service checks it exactly as it checks the API's), a stored scope back to the
form's fields, and a scope in words for the pages.

Nothing here decides what a scope covers or whether it is valid: that is the service's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import Request

from callwarden.kit import clock

LIST_FIELDS = ("recording_ids", "call_ids", "numbers", "agents", "teams")
# The recordings search's filters (`GET /recordings`), as the form names them after `search_`.
SEARCH_FIELDS = (
    "number",
    "agent",
    "team",
    "queue",
    "jurisdiction",
    "purpose",
    "retention_class",
    "call_id",
    "from",
    "to",
)
FIELDS = (
    "matter",
    "reason",
    *LIST_FIELDS,
    "started_from",
    "started_to",
    *(f"search_{name}" for name in SEARCH_FIELDS),
)
MAX_FIELD = 200_000  # a long list of ids, one a line
MAX_ENTRIES = 10_000  # as the API's ScopeIn
SEPARATORS = re.compile(r"[\n,;]+")
WORDS = {
    "number": "phone number",
    "agent": "agent",
    "team": "team",
    "queue": "queue",
    "jurisdiction": "jurisdiction",
    "purpose": "purpose",
    "retention_class": "retention class",
    "call_id": "call",
    "from": "from",
    "to": "to",
}


async def hold_fields(request: Request) -> dict[str, str]:
    """The hold form's fields as sent (a missing one is empty); too long a field is cut, so
    that the service's own length checks answer rather than a crash."""
    form = await request.form()
    fields = {}
    for name in FIELDS:
        value = form.get(name)
        fields[name] = value[:MAX_FIELD] if isinstance(value, str) else ""
    return fields


def _entries(text: str) -> list[str]:
    return [entry.strip() for entry in SEPARATORS.split(text) if entry.strip()][:MAX_ENTRIES]


def _moment(text: str, end_of_day: bool) -> str | None:
    """A date (the whole UTC day) as a time; any other text goes as written, for the scope's
    own check to accept or to explain."""
    text = text.strip()
    if not text:
        return None
    if len(text) == 10:
        try:
            day = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        except ValueError:
            return text
        return (day + timedelta(days=1) if end_of_day else day).isoformat()
    return text


def scope_data(fields: Mapping[str, str]) -> dict[str, Any]:
    """The scope's JSON form from the form's fields; only the parts that were filled in."""
    data: dict[str, Any] = {}
    for name in LIST_FIELDS:
        entries = _entries(fields.get(name, ""))
        if entries:
            data[name] = entries
    since = _moment(fields.get("started_from", ""), end_of_day=False)
    until = _moment(fields.get("started_to", ""), end_of_day=True)
    if since or until:
        data["started"] = {key: value for key, value in (("from", since), ("to", until)) if value}
    search: dict[str, str] = {}
    for name in SEARCH_FIELDS:
        value = fields.get(f"search_{name}", "").strip()
        if name in ("from", "to"):
            value = _moment(value, end_of_day=name == "to") or ""
        if value:
            search[name] = value
    if search:
        data["search"] = search
    return data


def fields_of(stored: Mapping[str, Any]) -> dict[str, str]:
    """A stored scope as the form's fields, to change it."""
    fields = {name: "\n".join(stored.get(name) or []) for name in LIST_FIELDS}
    started = stored.get("started") or {}
    fields["started_from"] = started.get("from") or ""
    fields["started_to"] = started.get("to") or ""
    search = stored.get("search") or {}
    for name in SEARCH_FIELDS:
        fields[f"search_{name}"] = search.get(name) or ""
    return fields


def _listed(items: list[str]) -> str:
    return ", ".join(items)


def _when(text: str | None) -> str:
    return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M UTC") if text else ""


def _time_range(started: Mapping[str, str | None]) -> str:
    since, until = _when(started.get("from")), _when(started.get("to"))
    if since and until:
        return f"every call that started from {since} until (not including) {until}"
    if since:
        return f"every call that started from {since} on"
    return f"every call that started before {until}"


def in_words(stored: Mapping[str, Any]) -> list[str]:
    """Each part of a scope as a line a person reads: any one of them keeps a recording."""
    lines = []
    if stored.get("recording_ids"):
        lines.append(f"the recordings {_listed(stored['recording_ids'])}")
    if stored.get("call_ids"):
        lines.append(f"every recording of the calls {_listed(stored['call_ids'])}")
    if stored.get("numbers"):
        lines.append(f"every call from or to {_listed(stored['numbers'])}")
    if stored.get("agents"):
        lines.append(f"every call taken by {_listed(stored['agents'])}")
    if stored.get("teams"):
        lines.append(f"every call of the team(s) {_listed(stored['teams'])}")
    if stored.get("started"):
        lines.append(_time_range(stored["started"]))
    if stored.get("search"):
        asked = "; ".join(
            f"{WORDS[key]} {_when(value) if key in ('from', 'to') else value}"
            for key, value in stored["search"].items()
        )
        lines.append(f"every recording the recordings search finds for: {asked}")
    return lines


def future_words(stored: Mapping[str, Any]) -> str | None:
    """What later calls a scope also keeps, in words; None if it keeps only what exists."""
    parts = []
    if stored.get("numbers"):
        parts.append(f"from or to {_listed(stored['numbers'])}")
    if stored.get("agents"):
        parts.append(f"taken by {_listed(stored['agents'])}")
    if stored.get("teams"):
        parts.append(f"of the team(s) {_listed(stored['teams'])}")
    started = stored.get("started") or {}
    if started and (not started.get("to") or datetime.fromisoformat(started["to"]) > clock.now()):
        parts.append("starting within its time range")
    if stored.get("search"):
        parts.append("that its recordings search finds")
    return "; ".join(parts) or None
