"""Running the checks over a period, storing the run and what each check found.

Each check runs inside its own savepoint: one that raises (or leaves the database transaction
broken) is rolled back alone and recorded as failed on the run with its error, and the others
still run. What a check finds is kept by its `key`: a thing found again in a later run is the
same finding (`last_seen_run_id` moves on), never a second row.

A finding a later run does not see again is left as it is. Runs look at different periods
(yesterday's calls today, today's tomorrow), so "not seen" usually means "not looked at", and
a compliance officer, not the machine, says a finding is dealt with: it stays open until a
person resolves it, and the finding page shows the last run that saw it. A finding a person
resolved that a later run sees again is reopened (audited): the fix did not hold. An accepted
risk seen again stays accepted (its expiry brings it back); an acknowledged one stays so.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import fields as dataclass_fields
from datetime import datetime, timedelta

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.checks.registry import Check, Context, Evidence, Found, Period, Rule, registered
from callwarden.config import Settings
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput, NotFound
from callwarden.kit.ids import new_id
from callwarden.kit.pagination import Keyset, Slice
from callwarden.models import CheckFinding, CheckRun

log = logging.getLogger(__name__)
SYSTEM = "system:checks"
MAX_PERIOD = timedelta(days=366)
# The run's audit event names the findings it opened, up to this many (each finding keeps its
# first run, so the rest are found from the run's id); a run over a million calls stays small.
OPENED_LISTED = 1000
BATCH = 2000  # new findings per INSERT executemany
ANALYZE_AFTER = 10_000  # new findings in one go that make PostgreSQL's statistics stale
Progress = Callable[[str, int], None]  # (check name, findings it made) after each check


def yesterday(now: datetime) -> Period:
    """The day before `now` (UTC midnight to midnight): what the daily job looks at."""
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return Period(today - timedelta(days=1), today)


def choose(names: Iterable[str] | None) -> list[Check]:
    """The checks to run: all of them, or those named (an unknown name is refused)."""
    checks = registered()
    if not names:
        return list(checks.values())
    wanted = list(dict.fromkeys(names))
    unknown = [name for name in wanted if name not in checks]
    if unknown:
        raise InvalidInput(
            f"no check named {', '.join(unknown)}; the checks are: {', '.join(checks)}"
        )
    return [checks[name] for name in wanted]


def _checked_period(period: Period) -> Period:
    if period.end <= period.start:
        raise InvalidInput("a period's end must be after its start")
    if period.end - period.start > MAX_PERIOD:
        raise InvalidInput("a period is at most 366 days; run the checks once per year")
    return period


def start(
    session: Session,
    principal: Principal,
    period: Period,
    settings: Settings,
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    """A person (or a service) asks for a run now."""
    require(principal, "checks.run")
    return run(session, principal.actor, period, settings, names, progress)


def run(
    session: Session,
    actor: str,
    period: Period,
    settings: Settings,
    names: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> CheckRun:
    """Run the checks over `period`, store the run and its findings, audit it; returns the run."""
    period = _checked_period(period)
    checks = choose(names)
    _without_jit(session)
    now = clock.now()
    row = CheckRun(
        id=new_id("chk"),
        period_start=period.start,
        period_end=period.end,
        checks=[c.name for c in checks],
        started_by=actor,
        started_at=now,
        counts={},
        errors={},
    )
    session.add(row)
    session.flush()
    context = Context(now=now, settings=settings)
    counts: Counter[str] = Counter()
    errors: dict[str, str] = {}
    opened: list[int] = []
    reopened: list[int] = []
    for item in checks:
        try:
            with session.begin_nested():
                found = list(item.function(session, period, context))
                new, again = _keep(session, row, item.name, found)
        except Exception as error:  # a failing check must not stop the others
            log.exception("check %s failed", item.name)
            errors[item.name] = f"{type(error).__name__}: {error}"[:1000]
            found = []
        else:
            opened.extend(new)
            reopened.extend(again)
            counts.update(f.severity for f in found)
        if progress is not None:
            progress(item.name, len(found))
    row.counts = dict(counts)
    row.errors = errors
    row.finished_at = clock.now()
    for finding_id in reopened:
        audit.record(
            session,
            actor=actor,
            action="finding.reopened",
            target=f"check_finding:{finding_id}",
            reason=f"seen again by check run {row.id}",
            data={"run_id": row.id},
        )
    audit.record(
        session,
        actor=actor,
        action="checks.run",
        target=f"check_run:{row.id}",
        reason=None,
        data={
            "period": [period.start.isoformat(), period.end.isoformat()],
            "checks": row.checks,
            "counts": row.counts,
            "errors": errors,
            "opened_count": len(opened),
            "opened": opened[:OPENED_LISTED],
        },
    )
    session.flush()
    return row


def _without_jit(session: Session) -> None:
    """PostgreSQL compiles a query whose estimated cost is high to machine code first (JIT).
    The checks' one-off queries over many calls are estimated that high, and compiling took
    longer than running them (EXPLAIN ANALYZE over 100,000 calls on the benchmark's machine:
    0.7 s of the missing-recordings query's 1.0 s, 2.9 s of the consent query's 4.2 s). So the
    run's transaction goes without; SQLite has no JIT."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))


def _keep(
    session: Session, run_row: CheckRun, check_name: str, found: list[Found]
) -> tuple[list[int], list[int]]:
    """Store one check's findings by key; the ids opened and the ids reopened.

    Set-based, never an object per finding: new findings go in as plain rows in batches (an
    executemany, no RETURNING) and their ids are read back in one query by run and check; the
    ones seen again are updated by primary key in batches, a resolved one reopened by one
    statement. A run over a million calls makes tens of thousands of findings, and one ORM
    object each took most of the training check's minute on the benchmark (bench/training.py),
    four times that when they were all seen again."""
    by_key: dict[str, Found] = {}
    for item in found:
        by_key.setdefault(item.key[:200], item)
    existing: dict[str, tuple[int, str]] = {}
    keys = list(by_key)
    for chunk in range(0, len(keys), 500):
        query = select(CheckFinding.key, CheckFinding.id, CheckFinding.status).where(
            CheckFinding.check_name == check_name,
            CheckFinding.key.in_(keys[chunk : chunk + 500]),
        )
        existing.update((key, (id_, status)) for key, id_, status in session.execute(query))
    now = clock.now()
    new: list[dict[str, object]] = []
    seen: list[dict[str, object]] = []
    reopened: list[int] = []
    for key, item in by_key.items():
        known = existing.get(key)
        if known is None:
            new.append(
                {
                    "check_name": check_name,
                    "key": key,
                    "status": "open",
                    "first_seen_run_id": run_row.id,
                    "created_at": now,
                    **_described(item, run_row.id, now),
                }
            )
            continue
        finding_id, status = known
        if status == "resolved":
            reopened.append(finding_id)
        seen.append({"id": finding_id, **_described(item, run_row.id, now)})
    session.flush()
    for start in range(0, len(seen), BATCH):
        session.execute(update(CheckFinding), seen[start : start + BATCH])
    for start in range(0, len(reopened), BATCH):
        session.execute(
            update(CheckFinding)
            .where(CheckFinding.id.in_(reopened[start : start + BATCH]))
            .values(
                status="open",
                status_reason=f"seen again by check run {run_row.id}",
                status_by=SYSTEM,
                status_at=now,
            )
        )
    for start in range(0, len(new), BATCH):
        session.execute(insert(CheckFinding), new[start : start + BATCH])
    if len(new) >= ANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        _refresh_statistics(session)
    if seen:  # an update by primary key leaves loaded rows as they were: read them afresh
        for loaded in list(session.identity_map.values()):
            if isinstance(loaded, CheckFinding):
                session.expire(loaded)
    opened = (
        list(
            session.execute(
                select(CheckFinding.id)
                .where(
                    CheckFinding.check_name == check_name,
                    CheckFinding.first_seen_run_id == run_row.id,
                )
                .order_by(CheckFinding.id)
            ).scalars()
        )
        if new
        else []
    )
    return opened, reopened


def _refresh_statistics(session: Session) -> None:
    """PostgreSQL plans the next run's lookup of findings by key from the table's statistics.
    Taken when the table was small, they make it read every finding of the check through the
    `check_name` index, once per 500 keys: the training check run again over 1,000,000 calls
    (55,000 findings) took 150 s on the benchmark, not 10. Autovacuum would refresh them in a
    while; a run that has just added this many does it at once (ANALYZE samples, in the
    run's transaction)."""
    session.execute(text("ANALYZE check_findings"))


def _described(item: Found, run_id: str, now: datetime) -> dict[str, object]:
    """What a run writes on a finding, new or seen again."""
    return {
        "severity": item.severity,
        "summary": item.summary[:500],
        "detail": item.detail[:2000],
        "evidence": _plain(item.evidence),
        "rule": _plain(item.rule),
        "last_seen_run_id": run_id,
        "last_seen_at": now,
    }


def _plain(value: Evidence | Rule) -> dict[str, object]:
    """Evidence or a rule as JSON. Their fields are scalars, tuples of scalars and one flat
    dict of figures, so a shallow copy does; `dataclasses.asdict`'s deep copy (and even
    `dataclasses.fields`, asked each time) cost seconds over tens of thousands of findings."""
    return {name: _json_value(getattr(value, name)) for name in _FIELDS[type(value)]}


_FIELDS = {kind: tuple(item.name for item in dataclass_fields(kind)) for kind in (Evidence, Rule)}


def _json_value(value: object) -> object:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


NEWEST_FIRST = Keyset("check_runs", (CheckRun.started_at, CheckRun.id), descending=True)


def list_runs(
    session: Session, principal: Principal, cursor: str | None, limit: int
) -> Slice[CheckRun]:
    """Runs, newest first."""
    require(principal, "checks.read")
    query = select(CheckRun)
    rows = list(session.execute(NEWEST_FIRST.apply(query, cursor, limit)).scalars())
    return NEWEST_FIRST.page(rows, limit)


def get_run(session: Session, principal: Principal, run_id: str) -> CheckRun:
    require(principal, "checks.read")
    row = session.get(CheckRun, run_id)
    if row is None:
        raise NotFound(f"no check run {run_id}")
    return row


def counts_by_check(session: Session, run_id: str) -> dict[str, int]:
    """How many findings each check's part of the run saw (new or again)."""
    query = (
        select(CheckFinding.check_name, func.count())
        .where(CheckFinding.last_seen_run_id == run_id)
        .group_by(CheckFinding.check_name)
    )
    return {name: int(count) for name, count in session.execute(query)}
