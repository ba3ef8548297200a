"""bench/training.py at a tiny size, so it cannot rot: it loads, publishes and checks on both
databases, and what it counts is what the tables hold."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit.clock import as_utc
from callwarden.models import Call, TrainingAssignment, User


def _bench() -> ModuleType:
    """bench/training.py by its path, under a name of its own: as a top-level module its name,
    `training`, could be the tests' package of that name in a whole-suite run."""
    path = Path(__file__).resolve().parents[2] / "bench" / "training.py"
    sys.path.insert(0, str(path.parent))  # the benchmarks import each other as top-level modules
    spec = importlib.util.spec_from_file_location("bench_training", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _bench()


def _calls_handled_while_overdue(db: Database) -> int:
    """Counted here in Python from the rows, not by the check's query."""
    with db.reading() as session:
        intervals = [
            (user_id, as_utc(due), None if done is None else as_utc(done))
            for user_id, due, done in session.execute(
                select(
                    TrainingAssignment.user_id,
                    TrainingAssignment.due_at,
                    TrainingAssignment.completed_at,
                ).where(TrainingAssignment.subject == "policy:1")
            )
        ]
        calls = [
            (str(agent), as_utc(at))
            for agent, at in session.execute(select(Call.agent_user_id, Call.started_at))
        ]
    by_user = {user_id: (due, done) for user_id, due, done in intervals}
    count = 0
    for agent, started in calls:
        due, done = by_user[agent]
        if due <= started and (done is None or done > started):
            count += 1
    return count


def test_the_benchmark_publishes_to_everyone_and_finds_the_overdue(
    db: Database, tmp_path: Path
) -> None:
    figures = bench.measure("tiny", db, tmp_path / "data", users=80, calls=800, days=6)
    with db.reading() as session:
        people = len(session.execute(select(User.id)).all())
    assert people == 80
    assert figures.assigned == 80 and figures.mailed == 80  # the new version: everyone, once
    assert figures.errors == {}
    assert figures.overdue_people == 4  # 5 % of 80, never acknowledged
    expected = _calls_handled_while_overdue(db)
    assert expected > 0
    assert figures.call_findings == expected


def test_the_command_prints_a_table_with_the_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (figures,) = bench.main(["--db", "sqlite", "--users", "60", "--calls", "300", "--days", "3"])
    assert figures.label == "SQLite" and figures.assigned == 60
    out = capsys.readouterr().out
    assert "publish a policy version to 60 people (60 assigned, 60 mails queued)" in out
    assert "< 10" in out and "< 15" in out
    assert out.count("SQLite") >= 3
