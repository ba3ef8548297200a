"""Retention benchmark: planning what is due and unheld under many holds, and the sweep's rate.

In one run:
  (a) PostgreSQL (a throwaway cluster): N recording rows (default 1,000,000) bulk-loaded with
      their calls, parties and data keys, 1,000 active holds of mixed scopes (recordings, calls,
      numbers, agents, teams, one-hour time ranges, searches); the time to count everything due
      and not held (`planning.count_due`), to list all of it (`planning.due_and_unheld`, pages
      of 10,000; the figure against the target) and to plan one sweep batch of 500;
  (b) the same on SQLite;
  (c) the sweep (`sweeping.sweep`, filesystem store, tiny objects, certificate included) over
      a few thousand due recordings: recordings disposed of per second, SQLite and PostgreSQL.
Targets: planning < 10 s on PostgreSQL; sweep >= 500 recordings/s.

    .venv/bin/python bench/retention.py [--rows 1000000] [--sweep 3000] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM
from callwarden.kit.ids import new_id
from callwarden.migrate import upgrade
from callwarden.models import LegalHold, User
from callwarden.retention import planning, sweeping
from tests.retention.sweeping import AS_OF, populate, with_vault
from tests.support.bulk import _decision
from tests.support.postgres import running_cluster

BASE = datetime(2025, 1, 1, tzinfo=UTC)
STEP_S = 30  # one recording every 30 s: a million span about a year
AGENTS, TEAMS, QUEUES, NUMBERS = 500, 100, 20, 100_000
PLAN_AS_OF = BASE + timedelta(days=400)
PAGE = 10_000  # ids per planning query when listing everything due


def _series(dialect: str, rows: int) -> str:
    if dialect == "postgresql":
        return f"SELECT i FROM generate_series(0, {rows - 1}) AS g(i)"
    return (
        "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g "
        f"WHERE i < {rows - 1}) SELECT i FROM g"
    )


def _moment(dialect: str, seconds: str) -> str:
    if dialect == "postgresql":
        return f"(timestamptz '2025-01-01 00:00:00+00' + ({seconds}) * interval '1 second')"
    # SQLAlchemy's SQLite text form (six decimals), so comparisons with bound times hold.
    return (
        f"strftime('%Y-%m-%d %H:%M:%f000', '2025-01-01 00:00:00', '+' || ({seconds}) || ' seconds')"
    )


def _json(dialect: str, value: str) -> str:
    return f"'{value}'::json" if dialect == "postgresql" else f"'{value}'"


def _bool(dialect: str, value: bool) -> str:
    return ("true" if value else "false") if dialect == "postgresql" else str(int(value))


def load(db: Database, rows: int) -> dict[str, list[str]]:
    """The rows, by SQL inside the database (a series, not a million Python dicts)."""
    dialect = db.engine.dialect.name
    decision_id, version = _decision(db)
    with db.unit_of_work() as session:
        teams = [identity.create_team(session, SYSTEM, f"team{k}").id for k in range(TEAMS)]
    with db.unit_of_work() as session:
        for k in range(AGENTS):
            session.add(
                User(
                    id=new_id("usr"),
                    username=f"agent{k}",
                    display_name=f"Agent {k}",
                    role="agent",
                    team_id=teams[k % TEAMS],
                    password_hash=None,
                    created_at=BASE,
                )
            )
    with db.reading() as session:
        users = {u.username: u.id for u in session.execute(select(User)).scalars()}
    agents = [users[f"agent{k}"] for k in range(AGENTS)]
    agent_values = ", ".join(f"({k}, '{a}')" for k, a in enumerate(agents))
    team_values = ", ".join(f"({k}, '{t}')" for k, t in enumerate(teams))
    started = _moment(dialect, f"i * {STEP_S}")
    due = _moment(dialect, f"i * {STEP_S} + CASE WHEN i % 3 = 0 THEN 157680000 ELSE 15552000 END")
    f = _bool(dialect, False)
    number = "'+1415' || (2000000 + i % 100000)"
    statements = [
        f"""INSERT INTO calls (id, source, direction, facts, state, recording_state,
            record_decision, consent_level, governing_rule, notice_required,
            notice_must_be_recorded, secure_pause, max_pause_s, on_decline, on_withdrawal,
            on_missing_notice, discard_all, decision_id, policy_version, plan, plan_version,
            created_by, agent_user_id, team_id, started_at, ended_at, last_event_at)
        SELECT 'call_' || (1000000000 + i), 'bulk', 'inbound', {_json(dialect, "{}")}, 'ended',
            'stopped', 'record', 'none', 'one_party', {f}, {f}, {f}, 0, 'stop', 'stop',
            'keep_with_violation', {f}, '{decision_id}', {version}, {_json(dialect, "{}")}, 1,
            'bulk', NULL, NULL, {started}, {started}, {started}
        FROM ({_series(dialect, rows)}) s""",
        f"""INSERT INTO call_parties (call_id, key, position, role, number, location_source,
            rule, needs_notice, needs_consent, consent_status, joined_at)
        SELECT 'call_' || (1000000000 + i), 'customer', 0, 'customer', {number}, 'none',
            'one_party', {f}, {f}, 'none', {started} FROM ({_series(dialect, rows)}) s""",
        f"""WITH a(k, id) AS (VALUES {agent_values}), tm(k, id) AS (VALUES {team_values})
        INSERT INTO recordings (id, call_id, idempotency_key, source, state, object_key, store,
            format, codec, content_type, sample_rate, channels, channel_map, duration_s, sha256,
            size, ciphertext_size, original_sha256, original_size, purposes, retention_class,
            retain_until, disposal_due, legal_hold, private, direction, queue, agent_user_id,
            team_id, jurisdictions, pauses, started_at, created_at, created_by)
        SELECT 'rec_' || (1000000000 + i), 'call_' || (1000000000 + i), 'k' || i, 'bulk',
            'stored', 'bulk/rec_' || (1000000000 + i), 'filesystem', 'cwv1', 'pcm_s16le',
            'audio/wav', 8000, 1, {_json(dialect, '["customer"]')}, 60.0, 'ab', 960000, 960100,
            'cd', 960044,
            CASE WHEN i % 2 = 0 THEN {_json(dialect, '["quality"]')}
                 ELSE {_json(dialect, '["quality","training"]')} END,
            CASE WHEN i % 7 = 0 THEN 'mifid' ELSE NULL END, {due}, {due}, {f}, {f}, 'inbound',
            'q' || (i % {QUEUES}), a.id, tm.id, {_json(dialect, "[]")}, {_json(dialect, "[]")},
            {started}, {started}, 'bulk'
        FROM ({_series(dialect, rows)}) s
        JOIN a ON a.k = s.i % {AGENTS} JOIN tm ON tm.k = s.i % {TEAMS}""",
        f"""INSERT INTO recording_parties (recording_id, party_key, role, number, jurisdiction)
        SELECT 'rec_' || (1000000000 + i), 'customer', 'customer', {number},
            CASE WHEN i % 5 = 0 THEN 'US-CA' ELSE 'US-TX' END FROM ({_series(dialect, rows)}) s""",
        f"""INSERT INTO data_keys (recording_id, wrapped, kek_version, created_at)
        SELECT 'rec_' || (1000000000 + i), 'placeholder', 1, {started}
        FROM ({_series(dialect, rows)}) s""",
    ]
    for statement in statements:
        with db.unit_of_work() as session:
            session.execute(text(statement))
    if dialect == "postgresql":
        with db.engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    return {
        "agents": [f"agent{k}" for k in range(AGENTS)],
        "teams": [f"team{k}" for k in range(TEAMS)],
    }


def _rec(i: int) -> str:
    return f"rec_{1000000000 + i}"


def hold_scopes(rows: int, chance: random.Random) -> Iterator[dict[str, Any]]:
    """1,000 scopes of every kind, each keeping a realistic handful of recordings."""

    def pick() -> int:
        return chance.randrange(rows)

    def number() -> str:
        return f"+1415{2000000 + chance.randrange(NUMBERS)}"

    for _ in range(300):
        yield {"recording_ids": [_rec(pick()) for _ in range(5)]}
    for _ in range(200):
        yield {"call_ids": [f"call_{1000000000 + pick()}" for _ in range(3)]}
    for _ in range(250):
        yield {"numbers": [number(), number()]}
    for _ in range(20):
        yield {"agents": [f"agent{chance.randrange(AGENTS)}"]}
    for _ in range(5):
        yield {"teams": [f"team{chance.randrange(TEAMS)}"]}
    for _ in range(100):
        start = BASE + timedelta(seconds=pick() * STEP_S)
        yield {
            "started": {"from": start.isoformat(), "to": (start + timedelta(hours=1)).isoformat()}
        }
    for k in range(125):
        kind = k % 5
        if kind == 0:
            yield {
                "search": {
                    "queue": f"q{chance.randrange(QUEUES)}",
                    "agent": f"agent{chance.randrange(AGENTS)}",
                }
            }
        elif kind == 1:
            yield {"search": {"number": number()}}
        elif kind == 2:
            yield {"search": {"call_id": f"call_{1000000000 + pick()}"}}
        elif kind == 3:
            day = BASE + timedelta(days=chance.randrange(340))
            yield {
                "search": {
                    "team": f"team{chance.randrange(TEAMS)}",
                    "from": day.isoformat(),
                    "to": (day + timedelta(days=1)).isoformat(),
                }
            }
        else:
            yield {"search": {"purpose": "training", "agent": f"agent{chance.randrange(AGENTS)}"}}


def add_holds(db: Database, rows: int) -> None:
    from callwarden.retention.scope import parse

    chance = random.Random(13)
    with db.unit_of_work() as session:
        for scope in hold_scopes(rows, chance):
            session.add(
                LegalHold(
                    id=new_id("hold"),
                    matter="bench",
                    reason="bench",
                    scope=parse(scope).as_json(),
                    created_by="bench",
                    created_at=BASE,
                )
            )


def measure_plan(db: Database) -> dict[str, float]:
    with db.reading() as session:
        began = time.perf_counter()
        unheld, held = planning.count_due(session, PLAN_AS_OF)
        counted = time.perf_counter() - began
    with db.reading() as session:
        began = time.perf_counter()
        planning.due_and_unheld(session, PLAN_AS_OF, 500)
        one_batch = time.perf_counter() - began
    began, listed, after = time.perf_counter(), 0, None
    with db.reading() as session:
        kept = planning.held_due(session, PLAN_AS_OF)  # judged once, as the sweep's plan does
        while True:
            page = planning.due_and_unheld(session, PLAN_AS_OF, PAGE, after, kept)
            if not page:
                break
            listed, after = listed + len(page), page[-1]
    paged = time.perf_counter() - began
    assert listed == unheld, (listed, unheld)
    return {
        "unheld": unheld,
        "held": held,
        "count_s": counted,
        "list_s": paged,
        "batch_s": one_batch,
    }


def plan_figures(label: str, db: Database, rows: int) -> dict[str, float]:
    began = time.perf_counter()
    load(db, rows)
    add_holds(db, rows)
    print(
        f"{label}: loaded {rows:,} recordings and 1,000 holds "
        f"in {time.perf_counter() - began:.0f} s",
        flush=True,
    )
    figures = measure_plan(db)
    print(
        f"{label}: plan — {figures['unheld']:,} due and unheld, {figures['held']:,} due but held; "
        f"counted in {figures['count_s']:.2f} s, listed (pages of {PAGE:,}) in "
        f"{figures['list_s']:.2f} s, one sweep batch of 500 planned in {figures['batch_s']:.2f} s",
        flush=True,
    )
    return figures


def sweep_rate(label: str, db: Database, data_dir: Path, count: int) -> float:
    settings = with_vault(Settings(data_dir=data_dir, database_url=db.url, log_level="warning"))
    populate(db, settings, count)
    began = time.perf_counter()
    summary = sweeping.sweep(db, settings, AS_OF)
    took = time.perf_counter() - began
    rate = summary.disposed / took
    print(
        f"{label}: swept {summary.disposed:,} recordings in {took:.2f} s = {rate:,.0f}/s "
        f"(keys destroyed, objects deleted, audited, certified)",
        flush=True,
    )
    return rate


@contextmanager
def postgres(name: str) -> Iterator[Database]:
    with running_cluster() as cluster:
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        db = Database(cluster.url(name))
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()


def sqlite(directory: Path) -> Database:
    db = Database(f"sqlite:///{directory / 'callwarden.db'}")
    upgrade(db)
    return db


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sweep", type=int, default=3000)
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        with postgres("cw_plan") as db:
            results["pg_plan"] = plan_figures("PostgreSQL", db, args.rows)["list_s"]
        with postgres("cw_sweep") as db:
            results["pg_sweep"] = sweep_rate("PostgreSQL", db, root / "pg-data", args.sweep)
        if not args.skip_sqlite:
            (root / "plan").mkdir()
            db = sqlite(root / "plan")
            results["sqlite_plan"] = plan_figures("SQLite", db, args.rows)["list_s"]
            db.dispose()
        (root / "sweep").mkdir()
        db = sqlite(root / "sweep")
        results["sqlite_sweep"] = sweep_rate("SQLite", db, root / "sqlite-data", args.sweep)
        db.dispose()
    print()
    print(
        f"plan, PostgreSQL, {args.rows:,} rows, 1,000 holds: {results['pg_plan']:.2f} s "
        "(target < 10 s)"
    )
    if "sqlite_plan" in results:
        print(f"plan, SQLite, same:                          {results['sqlite_plan']:.2f} s")
    print(
        f"sweep, filesystem store: {results['sqlite_sweep']:,.0f}/s SQLite, "
        f"{results['pg_sweep']:,.0f}/s PostgreSQL (target >= 500/s)"
    )


if __name__ == "__main__":
    main()
