"""Which recordings the active legal holds keep, as one SQL condition over every recording.

`holds.holds_covering` judges one recording against each hold in Python; disposal, planning and
the broad-scope check must judge a million at once, so here the holds' scopes are merged into
sets first (all the ids, all the numbers, the agents' and teams' ids, the time ranges joined
where they overlap, the distinct searches) and the result is a handful of set tests the
database answers with its indexes. A hold's search is the very condition `GET /v1/recordings`
applies (`recordings.service.search_condition`), so a search keeps exactly what it finds.

The two must agree (a hypothesis test compares them). The condition is never NULL: a
recording with no agent is simply not covered by an agent hold, never "unknown".
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true, union
from sqlalchemy.orm import Session

from callwarden.identity import service as identities
from callwarden.models import Call, CallParty, LegalHold, Recording, RecordingParty
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.retention import repository, scope
from callwarden.retention.scope import Scope

Span = tuple[datetime | None, datetime | None]  # [from, to) on the call's start; None: open


@dataclass
class Union:
    """Every active hold's scope, merged: what any one of them keeps."""

    recording_ids: set[str] = field(default_factory=set)
    call_ids: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    teams: set[str] = field(default_factory=set)
    spans: list[Span] = field(default_factory=list)
    searches: dict[str, dict[str, str]] = field(default_factory=dict)  # by canonical JSON

    def add(self, held: Scope) -> None:
        self.recording_ids |= held.recording_ids
        self.call_ids |= held.call_ids
        self.numbers |= held.numbers
        self.agents |= held.agents
        self.teams |= held.teams
        if held.has_time_range:
            self.spans.append((held.started_from, held.started_to))
        if held.search:
            self.searches[json.dumps(dict(held.search), sort_keys=True)] = dict(held.search)


def merged_spans(spans: Iterable[Span]) -> list[Span]:
    """The spans joined where they overlap or touch, so a thousand ranges test as a few."""
    ordered = sorted(spans, key=lambda span: (span[0] is not None, span[0] or datetime.min))
    joined: list[Span] = []
    for start, end in ordered:
        if joined:
            last_start, last_end = joined[-1]
            if last_end is None or (start is not None and start <= last_end):
                later = None if last_end is None or end is None else max(last_end, end)
                joined[-1] = (last_start, later)
                continue
        joined.append((start, end))
    return joined


def _span(start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    parts = []
    if start is not None:
        parts.append(Call.started_at >= start)
    if end is not None:
        parts.append(Call.started_at < end)
    return and_(true(), *parts)


@lru_cache(maxsize=4096)
def _parsed(stored: str) -> Scope:
    """A stored scope, parsed once per process (numbers re-checked by phonenumbers are the
    cost, and a sweep asks about the same thousand holds in every batch)."""
    return scope.parse(json.loads(stored))


def union_of(holds: Sequence[LegalHold]) -> Union:
    merged = Union()
    for hold in holds:
        merged.add(_parsed(json.dumps(hold.scope, sort_keys=True)))
    return merged


def condition(session: Session, merged: Union, bulk: bool = False) -> ColumnElement[bool]:
    """SQL condition on `Recording`: true where any part of the merged scopes matches.

    Two forms of one rule. Per row (the default): each search is tested on the row, cheap for
    the few hundred rows of a disposal batch. `bulk`: the searches' matches are gathered once
    into one set (a UNION of index-driven selects) that each row is looked up in, for a count
    or a plan over a million rows, where testing a hundred searches per row would take
    minutes."""
    parts: list[ColumnElement[bool]] = []
    if merged.recording_ids:
        parts.append(Recording.id.in_(sorted(merged.recording_ids)))
    if merged.call_ids:
        parts.append(Recording.call_id.in_(sorted(merged.call_ids)))
    if merged.numbers:
        numbers = sorted(merged.numbers)
        parts.append(
            Recording.id.in_(
                select(RecordingParty.recording_id).where(RecordingParty.number.in_(numbers))
            )
        )
        # The call's parties: call_parties has no index on number. In bulk, read it once into
        # a hashed set; per row, look up the row's own call (a batch does not read it all).
        calls_with = select(CallParty.call_id).where(CallParty.number.in_(numbers))
        if bulk:
            parts.append(Recording.call_id.in_(calls_with))
        else:
            parts.append(exists(calls_with.where(CallParty.call_id == Recording.call_id)))
    agent_ids = [user.id for name in merged.agents if (user := identities.find_user(session, name))]
    if agent_ids:
        parts.append(
            and_(Recording.agent_user_id.is_not(None), Recording.agent_user_id.in_(agent_ids))
        )
    team_ids = [team.id for name in merged.teams if (team := identities.find_team(session, name))]
    if team_ids:
        parts.append(and_(Recording.team_id.is_not(None), Recording.team_id.in_(team_ids)))
    spans = merged_spans(merged.spans)
    if spans:
        in_time = or_(*(_span(start, end) for start, end in spans))
        parts.append(Recording.call_id.in_(select(Call.id).where(in_time)))
    searched = [
        recordings.search_condition(session, filter_of(search))
        for search in merged.searches.values()
    ]
    if bulk and searched:
        # Each select names `recordings` again, uncorrelated: it reads the table on its own.
        found = [select(Recording.id).where(c).correlate(None) for c in searched]
        parts.append(Recording.id.in_(union(*found)))
    else:
        parts.extend(searched)
    if not parts:
        return false()
    # Coalesced: a NULL column (a queue never set) must read as "not covered", not "unknown",
    # or NOT covered would drop the row from a plan instead of disposing it.
    return func.coalesce(or_(*parts), false()).is_(True)


def filter_of(search: Mapping[str, str]) -> SearchFilter:
    """A hold's stored search as the recordings search filter it was written as."""
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


def covered(session: Session, bulk: bool = False) -> ColumnElement[bool]:
    """SQL condition: the recordings any active hold keeps, judged now (`bulk`: the form for
    a whole table, see `condition`)."""
    return condition(session, union_of(repository.active(session)), bulk)


def covered_by(session: Session, held: Scope) -> ColumnElement[bool]:
    """SQL condition: the recordings one scope (a hold being made or changed) would keep."""
    merged = Union()
    merged.add(held)
    return condition(session, merged, bulk=True)


def count_covered_by(session: Session, held: Scope) -> int:
    """How many recordings (disposed ones aside) a scope would keep now."""
    query = (
        select(func.count())
        .select_from(Recording)
        .where(Recording.state != "disposed", covered_by(session, held))
    )
    return int(session.execute(query).scalar_one())


def first_covered_by(session: Session, held: Scope, limit: int) -> list[Recording]:
    """The first recordings by id (disposed ones aside) a scope would keep now."""
    query = (
        select(Recording)
        .where(Recording.state != "disposed", covered_by(session, held))
        .order_by(Recording.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def held_among(session: Session, recording_ids: Sequence[str]) -> set[str]:
    """Which of these recordings an active hold keeps (disposal's last check, in its batch)."""
    if not recording_ids:
        return set()
    query = select(Recording.id).where(Recording.id.in_(list(recording_ids)), covered(session))
    return set(session.execute(query).scalars())
