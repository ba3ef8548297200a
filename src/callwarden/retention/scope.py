"""What a legal hold covers, checked and compared without a database.

A scope names recordings by what they are about — ids, calls, phone numbers, agents, teams, a
time range on the call's start, a recordings search — so that it also covers recordings that
arrive after the hold was made. A recording is covered when ANY part of the scope matches it:
each part is one more reason to keep, never a narrowing of another (a hold that narrowed by
mistake would let go of evidence; one that is too wide only keeps a little longer).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from callwarden.kit.errors import InvalidInput
from callwarden.kit.inputs import EARLIEST, LATEST

LISTS = ("recording_ids", "call_ids", "numbers", "agents", "teams")
# The query parameters of `GET /v1/recordings` a hold's search may carry.
SEARCH_KEYS = (
    "number",
    "agent",
    "team",
    "queue",
    "jurisdiction",
    "from",
    "to",
    "purpose",
    "retention_class",
    "call_id",
)
MAX_TEXT = 200


@dataclass(frozen=True)
class Scope:
    """A hold's scope, valid: E.164 numbers, aware times, known search keys."""

    recording_ids: frozenset[str] = frozenset()
    call_ids: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()
    agents: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    started_from: datetime | None = None
    started_to: datetime | None = None
    search: Mapping[str, str] = field(default_factory=dict)

    @property
    def has_time_range(self) -> bool:
        return self.started_from is not None or self.started_to is not None

    def is_empty(self) -> bool:
        lists = (self.recording_ids, self.call_ids, self.numbers, self.agents, self.teams)
        return not any(lists) and not self.has_time_range and not self.search

    def as_json(self) -> dict[str, Any]:
        """The stored form (and the API's): every key present, lists sorted."""
        started = None
        if self.has_time_range:
            started = {"from": _text(self.started_from), "to": _text(self.started_to)}
        return {
            "recording_ids": sorted(self.recording_ids),
            "call_ids": sorted(self.call_ids),
            "numbers": sorted(self.numbers),
            "agents": sorted(self.agents),
            "teams": sorted(self.teams),
            "started": started,
            "search": dict(sorted(self.search.items())) or None,
        }


@dataclass(frozen=True)
class Facts:
    """What a recording and its call are, as a scope matches them (ids for agent and team)."""

    recording_id: str
    call_id: str
    numbers: frozenset[str]
    agent_user_id: str | None
    team_id: str | None
    call_started_at: datetime


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def e164(number: str) -> str:
    """The number in E.164 (`+` and digits; spaces, dashes, dots and brackets between the
    digits are dropped), if phonenumbers finds it possible in its country; else InvalidInput."""
    text = "".join(ch for ch in number.strip() if ch not in " -.()")
    if not text.startswith("+") or not text[1:].isdigit():
        raise InvalidInput(f"{number!r} is not an E.164 phone number (e.g. +442071838750)")
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as failure:
        raise InvalidInput(f"{number!r} is not a phone number: {failure}") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(f"{number!r} is not a possible phone number in its country")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def moment(value: Any, what: str) -> datetime:
    """An ISO 8601 time with a time zone, within the years the service stores."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"{what}: {value!r} is not an ISO 8601 date-time") from None
    else:
        raise InvalidInput(f"{what} must be an ISO 8601 date-time")
    if parsed.tzinfo is None:
        raise InvalidInput(f"{what} needs a time zone, e.g. 2026-11-27T10:00:00Z")
    if not EARLIEST <= parsed < LATEST:
        raise InvalidInput(f"{what} must lie between {EARLIEST.year} and {LATEST.year - 1}")
    return parsed.astimezone(UTC)


def _names(value: Any, what: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidInput(f"scope.{what} must be a list of strings")
    names = [item.strip() for item in value]
    if any(not name or len(name) > MAX_TEXT for name in names):
        raise InvalidInput(f"scope.{what}: each entry is 1 to {MAX_TEXT} characters")
    return frozenset(names)


def _search(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput("scope.search must be an object of GET /v1/recordings parameters")
    found: dict[str, str] = {}
    for key, raw in value.items():
        if key not in SEARCH_KEYS:
            raise InvalidInput(
                f"scope.search: {key!r} is not a search parameter; use {', '.join(SEARCH_KEYS)}"
            )
        if raw is None:
            continue
        if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_TEXT:
            raise InvalidInput(f"scope.search.{key} must be a text of 1 to {MAX_TEXT} characters")
        if key == "number":
            found[key] = e164(raw)
        elif key in ("from", "to"):
            found[key] = moment(raw, f"scope.search.{key}").isoformat()
        else:
            found[key] = raw.strip()
    return found


def parse(data: Mapping[str, Any]) -> Scope:
    """A scope from its JSON form (a request, a command, a stored row), or InvalidInput."""
    unknown = set(data) - {*LISTS, "started", "search"}
    if unknown:
        raise InvalidInput(f"unknown scope fields: {', '.join(sorted(unknown))}")
    started = data.get("started") or {}
    if not isinstance(started, Mapping) or set(started) - {"from", "to"}:
        raise InvalidInput('scope.started is {"from": time, "to": time} (either may be left out)')
    since = moment(started["from"], "scope.started.from") if started.get("from") else None
    until = moment(started["to"], "scope.started.to") if started.get("to") else None
    if since and until and since >= until:
        raise InvalidInput("scope.started: 'from' must be before 'to'")
    return Scope(
        recording_ids=_names(data.get("recording_ids"), "recording_ids"),
        call_ids=_names(data.get("call_ids"), "call_ids"),
        numbers=frozenset(e164(n) for n in _names(data.get("numbers"), "numbers")),
        agents=_names(data.get("agents"), "agents"),
        teams=_names(data.get("teams"), "teams"),
        started_from=since,
        started_to=until,
        search=_search(data.get("search")),
    )


def covers_directly(
    scope: Scope, facts: Facts, agent_ids: Iterable[str], team_ids: Iterable[str]
) -> bool:
    """Whether any part of the scope but its search matches (the search needs the database).

    `agent_ids` and `team_ids` are the ids of the scope's agents and teams, looked up now."""
    if facts.recording_id in scope.recording_ids or facts.call_id in scope.call_ids:
        return True
    if scope.numbers & facts.numbers:
        return True
    if facts.agent_user_id is not None and facts.agent_user_id in set(agent_ids):
        return True
    if facts.team_id is not None and facts.team_id in set(team_ids):
        return True
    if scope.has_time_range:
        after = scope.started_from is None or facts.call_started_at >= scope.started_from
        before = scope.started_to is None or facts.call_started_at < scope.started_to
        return after and before
    return False
