"""The set-based coverage (one SQL condition for all active holds) agrees with `holds_covering`
(each hold judged in Python against one recording) over random scopes and a varied world of
recordings, on SQLite and PostgreSQL; and the spans it merges keep exactly what they kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from callwarden.db import Database
from callwarden.kit.ids import new_id
from callwarden.models import LegalHold, Recording
from callwarden.retention import coverage, holds, planning
from callwarden.retention.scope import parse
from tests.support.bulk import load, new_row
from tests.support.factories import make_team, make_user

NUMBERS = ["+14155550101", "+14155550102", "+14155550103", "+442071838750"]
QUEUES = ["support", "sales"]
BASE = datetime(2025, 1, 1, tzinfo=UTC)
MOMENTS = [BASE + timedelta(days=30 * i) for i in range(13)]


@pytest.fixture
def world(db: Database) -> list[str]:
    """Twelve recordings differing in every way a scope can name; their ids."""
    teams = {"East": make_team(db, "East"), "West": make_team(db, "West")}
    agents = {
        "alice": make_user(db, "agent", "alice", team="East").id,
        "bob": make_user(db, "agent", "bob", team="West").id,
    }
    rows = []
    for i in range(12):
        agent = [None, "alice", "bob"][i % 3]
        rows.append(
            new_row(
                i,
                MOMENTS[i] + timedelta(hours=i),
                numbers=[NUMBERS[i % 4]] if i % 5 else [],
                call_numbers=[NUMBERS[(i + 1) % 4]] if i % 2 else [],
                agent_user_id=agents[agent] if agent else None,
                team_id=teams["East" if i % 4 < 2 else "West"] if i % 6 else None,
                queue=QUEUES[i % 2] if i % 3 else None,
                purposes=["quality"] if i % 2 else ["quality", "training"],
                retention_class="mifid" if i % 4 == 0 else None,
                disposal_due=BASE,
            )
        )
    load(db, rows)
    return [row.recording_id for row in rows]


moments = st.sampled_from(MOMENTS).map(lambda moment: moment.isoformat())
ids = st.integers(0, 13).map(lambda i: f"{i:012d}")
searches = st.fixed_dictionaries(
    {},
    optional={
        "number": st.sampled_from(NUMBERS),
        "agent": st.sampled_from(["alice", "bob", "ghost"]),
        "team": st.sampled_from(["East", "West"]),
        "queue": st.sampled_from(QUEUES),
        "purpose": st.sampled_from(["training", "quality", "sales"]),
        "retention_class": st.just("mifid"),
        "call_id": ids.map(lambda i: f"call_{i}"),
        "from": moments,
        "to": moments,
    },
)
scopes = st.fixed_dictionaries(
    {},
    optional={
        "recording_ids": st.lists(ids.map(lambda i: f"rec_{i}"), max_size=3),
        "call_ids": st.lists(ids.map(lambda i: f"call_{i}"), max_size=3),
        "numbers": st.lists(st.sampled_from(NUMBERS), max_size=2),
        "agents": st.lists(st.sampled_from(["alice", "bob", "ghost"]), max_size=2),
        "teams": st.lists(st.sampled_from(["East", "West", "Nowhere"]), max_size=2),
        "started": st.fixed_dictionaries({}, optional={"from": moments, "to": moments}),
        "search": searches,
    },
)


def _valid(scope: dict[str, Any]) -> dict[str, Any] | None:
    started = scope.get("started") or {}
    if started.get("from") and started.get("to") and started["from"] >= started["to"]:
        return None
    parsed = parse(scope)
    return None if parsed.is_empty() else parsed.as_json()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(chosen=st.lists(st.tuples(scopes, st.booleans()), min_size=1, max_size=4))
def test_the_sql_coverage_agrees_with_holds_covering(
    db: Database, world: list[str], chosen: list[tuple[dict[str, Any], bool]]
) -> None:
    with db.unit_of_work() as session:
        session.execute(delete(LegalHold))
        for scope, released in chosen:
            stored = _valid(scope)
            if stored is None:
                continue
            session.add(
                LegalHold(
                    id=new_id("hold"),
                    matter="M",
                    reason="test",
                    scope=stored,
                    created_by="test",
                    created_at=BASE,
                    released_at=BASE if released else None,
                )
            )
        session.flush()
        one_by_one = {rid for rid in world if holds.holds_covering(session, rid)}
        for bulk in (False, True):  # per row (disposal's batches) and as one set (plans)
            covered = coverage.covered(session, bulk)
            by_sql = set(session.execute(select(Recording.id).where(covered)).scalars())
            assert by_sql == one_by_one, bulk
        planned = planning.due_and_unheld(session, BASE, 100)
        assert planned == sorted(set(world) - one_by_one)  # NOT covered drops no NULL rows
        assert planning.count_due(session, BASE) == (len(planned), len(one_by_one))
        paged: list[str] = []  # small pages over small windows: nothing lost or repeated
        after: str | None = None
        while page := planning.due_and_unheld(session, BASE, 2, after, window=3):
            paged, after = paged + page, page[-1]
        assert paged == planned


def test_overlapping_spans_merge_into_one_and_open_ends_swallow_the_rest() -> None:
    day = timedelta(days=1)
    spans = [(BASE, BASE + day), (BASE + day, BASE + 3 * day), (BASE + 5 * day, BASE + 6 * day)]
    assert coverage.merged_spans(spans) == [
        (BASE, BASE + 3 * day),
        (BASE + 5 * day, BASE + 6 * day),
    ]
    assert coverage.merged_spans([*spans, (None, BASE + 2 * day)]) == [
        (None, BASE + 3 * day),
        (BASE + 5 * day, BASE + 6 * day),
    ]
    assert coverage.merged_spans([*spans, (BASE + 2 * day, None)]) == [(BASE, None)]
