"""Training benchmark: publishing a policy version to every person, and the overdue check.

In one run, on PostgreSQL (a throwaway cluster) and on SQLite:
  (a) N calls (default 1,000,000) over 90 days bulk-loaded by `checks_data.load`, their agents
      spread over U people (default 20,000, all of them in every policy's audience), under a
      first policy version whose `training.overdue` is `call_findings`; its acknowledgement
      assigned to everyone, due the period's first day: most acknowledged before it, a share
      (`--overdue`, 5 %) still not, a smaller one (`--late`, 2 %) only during the period;
  (b) publishing: `policy.service.apply` of a materially changed version (the notice window),
      in one unit of work, as `callwarden policy apply` does: it assigns the acknowledgement to
      every person and queues each one's announcement in the outbox (held until the version
      takes effect, so queueing is part of the apply; nothing more happens when it does but
      the send). The assignments and the queued mails are counted afterwards;
  (c) the overdue check: `checks.runs.run` of the `training` check over the period, its
      findings stored, as `callwarden checks run --check training` does: one finding per
      overdue person and one per call an agent handled while overdue.
Targets (the issue's): (b) < 10 s and (c) < 15 s on PostgreSQL, for 20,000 people and
1,000,000 calls. Loading takes minutes and is timed apart. Timings are printed, never asserted.

    .venv/bin/python bench/training.py [--users 20000] [--calls 1000000] [--days 90]
                                       [--db sqlite|postgres|both] [--overdue 0.05] [--late 0.02]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from checks_data import OTHERS, START, Loaded, load

from callwarden.checks import runs
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.migrate import upgrade
from callwarden.models import CheckFinding, OutboxMail, TrainingAssignment, User
from callwarden.policy import service as policies
from callwarden.training import repository
from callwarden.training.assigning import policy_subject
from tests.support.policies import EXAMPLE_TEXT
from tests.support.postgres import running_cluster

PUBLISH_TARGET_S, CHECK_TARGET_S = 10.0, 15.0
FIRST = EXAMPLE_TEXT + "\ntraining:\n  overdue: call_findings\n"
CHANGED = FIRST.replace("notice_window_s: 15", "notice_window_s: 20")  # consent: material
assert CHANGED != FIRST


@dataclass
class Figures:
    """One database's measurements and the counts that show the work was done."""

    label: str
    users: int
    calls: int
    load_s: float = 0.0
    publish_s: float = 0.0
    assigned: int = 0  # assignments of the new version, counted in the tables
    mailed: int = 0  # its announcements queued in the outbox
    check_s: float = 0.0
    overdue_people: int = 0  # findings about a person's overdue assignment
    call_findings: int = 0  # findings about a call an overdue agent handled
    again_s: float = 0.0  # the same check run again: every finding seen again
    errors: dict[str, str] = field(default_factory=dict)


def measure(
    label: str,
    db: Database,
    data_dir: Path,
    users: int,
    calls: int,
    days: int = 90,
    overdue: float = 0.05,
    late: float = 0.02,
) -> Figures:
    """Load, publish, check: on an upgraded, empty database."""
    if users <= OTHERS:
        raise SystemExit(f"--users must be more than {OTHERS} (the loader's other roles)")
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=data_dir, database_url=db.url, log_level="warning")
    figures = Figures(label, users, calls)
    began = time.perf_counter()
    with clock.frozen_at(START - timedelta(days=30)), db.unit_of_work() as session:
        policies.apply(session, SYSTEM, FIRST, "policy.yaml")  # `load` keeps it as the one in force

    def loading(done: int) -> None:
        if done % 200_000 == 0 or done == calls:
            seconds = time.perf_counter() - began
            print(f"{label}: {done:,} calls loaded, {seconds:.0f} s", flush=True)

    loaded = load(db, settings, calls, days, agents=users - OTHERS, progress=loading)
    _acknowledgements(db, overdue, late, days)
    figures.load_s = time.perf_counter() - began
    print(f"{label}: loaded {users:,} people and {calls:,} calls in {figures.load_s:.0f} s",
          flush=True)  # fmt: skip
    publish(db, loaded, figures)
    check(db, settings, loaded, figures)
    return figures


def _acknowledgements(db: Database, overdue: float, late: float, days: int) -> None:
    """The first version's acknowledgement for every person (through the repository publishing
    uses), due on the period's first day; completed before it by all but `overdue` of them,
    and only during the period by `late` of them. A seeded RNG: the same people every run."""
    rng = random.Random(15)
    with db.unit_of_work() as session:
        people = repository.audience_ids(session, (), ())
        repository.assign(
            session,
            people,
            repository.NewAssignments(
                subject=policy_subject(1),
                reason="published",
                assigned_at=START - timedelta(days=30),
                due_at=START,
                policy_version=1,
            ),
        )
        rng.shuffle(people)
        open_count, late_count = round(len(people) * overdue), round(len(people) * late)
        late_people = people[open_count : open_count + late_count]
        on_time = people[open_count + late_count :]
        for group, earliest, span in ((on_time, -29, 28), (late_people, 1, days - 2)):
            for part in range(0, len(group), 1000):
                at = START + timedelta(days=earliest + rng.random() * span)
                session.execute(
                    update(TrainingAssignment)
                    .where(TrainingAssignment.user_id.in_(group[part : part + 1000]))
                    .values(state=repository.COMPLETED, completed_at=at)
                )


def publish(db: Database, loaded: Loaded, figures: Figures) -> None:
    """A materially changed version applied, in force at once: assignments and mails."""
    with clock.frozen_at(loaded.now):
        began = time.perf_counter()
        with db.unit_of_work() as session:
            applied = policies.apply(session, SYSTEM, CHANGED, "policy.yaml")
        figures.publish_s = time.perf_counter() - began
    version = applied.version.version
    with db.reading() as session:
        figures.assigned = session.execute(
            select(func.count())
            .select_from(TrainingAssignment)
            .where(TrainingAssignment.subject == policy_subject(version))
        ).scalar_one()
        figures.mailed = session.execute(
            select(func.count())
            .select_from(OutboxMail)
            .where(
                OutboxMail.kind == "policy_announcement",
                OutboxMail.dedupe_key.like(f"policy-announcement:{version}:%"),
                OutboxMail.sent_at.is_(None),
            )
        ).scalar_one()
        people = session.execute(select(func.count()).select_from(User)).scalar_one()
    print(f"{figures.label}: version {version} published in {figures.publish_s:.2f} s: "
          f"{figures.assigned:,} assignments, {figures.mailed:,} announcements queued, "
          f"{people:,} people", flush=True)  # fmt: skip


def check(db: Database, settings: Settings, loaded: Loaded, figures: Figures) -> None:
    """The training check over the whole period, its findings stored, the day after; then
    once more, as a person asking again would (every finding seen again, none new)."""
    seconds: list[float] = []
    for _ in range(2):
        with clock.frozen_at(loaded.now):
            began = time.perf_counter()
            with db.unit_of_work() as session:
                run = runs.run(session, "bench", loaded.period, settings, names=["training"])
                figures.errors.update(run.errors)
                run_id = run.id
            seconds.append(time.perf_counter() - began)
    figures.check_s, figures.again_s = seconds
    with db.reading() as session:
        keys = session.execute(
            select(CheckFinding.key).where(CheckFinding.last_seen_run_id == run_id)
        ).scalars()
        for key in keys:
            if key.startswith("call:"):
                figures.call_findings += 1
            else:
                figures.overdue_people += 1
    print(f"{figures.label}: training check in {figures.check_s:.2f} s "
          f"({figures.again_s:.2f} s again): {figures.overdue_people:,} overdue assignments, "
          f"{figures.call_findings:,} calls handled while overdue", flush=True)  # fmt: skip
    for name, error in figures.errors.items():
        print(f"  FAILED {name}: {error}", flush=True)


def table(results: list[Figures]) -> None:
    """database | step | seconds | target | verdict, and what each step did."""
    rows: list[tuple[str, str, str, str, str]] = []
    for f in results:
        found = f.overdue_people + f.call_findings
        rows.append((f.label, f"publish a policy version to {f.users:,} people "
                     f"({f.assigned:,} assigned, {f.mailed:,} mails queued)",
                     f"{f.publish_s:.2f}", f"< {PUBLISH_TARGET_S:.0f}",
                     _verdict(f.publish_s, PUBLISH_TARGET_S)))  # fmt: skip
        rows.append((f.label, f"overdue check, {f.users:,} people, {f.calls:,} calls "
                     f"({found:,} findings: {f.overdue_people:,} people, "
                     f"{f.call_findings:,} calls)",
                     f"{f.check_s:.2f}", f"< {CHECK_TARGET_S:.0f}",
                     "FAILED" if f.errors else _verdict(f.check_s, CHECK_TARGET_S)))  # fmt: skip
        rows.append((f.label, "the same check again (every finding seen again)",
                     f"{f.again_s:.2f}", f"< {CHECK_TARGET_S:.0f}",
                     "FAILED" if f.errors else _verdict(f.again_s, CHECK_TARGET_S)))  # fmt: skip
        rows.append((f.label, "load (not a target)", f"{f.load_s:.0f}", "", ""))
    heads = ("database", "step", "seconds", "target", "")
    widths = [max(len(row[k]) for row in [heads, *rows]) for k in range(5)]
    print()
    for row in [heads, *rows]:
        print("  ".join(cell.ljust(w) if k < 2 else cell.rjust(w)
                        for k, (cell, w) in enumerate(zip(row, widths, strict=True))))  # fmt: skip
    print("Targets are the issue's, for PostgreSQL with 20,000 people and 1,000,000 calls; "
          "SQLite's figures are for comparison. The machine's 2 cores are shared: figures vary "
          "with its load.")  # fmt: skip


def _verdict(seconds: float, target: float) -> str:
    return "pass" if seconds < target else "over"


@contextmanager
def postgres() -> Iterator[Database]:
    """An upgraded database in a throwaway cluster (as bench/checks.py makes one; not imported
    from there, since under pytest the name `checks` is the tests' package)."""
    with running_cluster() as cluster:
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("CREATE DATABASE cw_training"))
        admin.dispose()
        db = Database(cluster.url("cw_training"))
        upgrade(db)
        try:
            yield db
        finally:
            db.dispose()


def sqlite(directory: Path) -> Database:
    directory.mkdir()
    db = Database(f"sqlite:///{directory / 'callwarden.db'}")
    upgrade(db)
    return db


def main(argv: Sequence[str] | None = None) -> list[Figures]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--overdue", type=float, default=0.05, help="share of people overdue")
    parser.add_argument("--late", type=float, default=0.02, help="share caught up in the period")
    args = parser.parse_args(argv)
    results: list[Figures] = []
    shape = {"users": args.users, "calls": args.calls, "days": args.days,
             "overdue": args.overdue, "late": args.late}  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        if args.db in ("postgres", "both"):
            with postgres() as db:
                results.append(measure("PostgreSQL", db, root / "pg", **shape))
        if args.db in ("sqlite", "both"):
            db = sqlite(root / "sqlite")
            try:
                results.append(measure("SQLite", db, root / "sqlite" / "data", **shape))
            finally:
                db.dispose()
    table(results)
    return results


if __name__ == "__main__":
    main()
