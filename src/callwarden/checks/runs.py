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
from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.checks.registry import Check, Context, Found, Period, registered
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
    """Store one check's findings by key; the ids opened and the ids reopened."""
    by_key: dict[str, Found] = {}
    for item in found:
        by_key.setdefault(item.key[:200], item)
    existing: dict[str, CheckFinding] = {}
    keys = list(by_key)
    for chunk in range(0, len(keys), 500):
        query = select(CheckFinding).where(
            CheckFinding.check_name == check_name,
            CheckFinding.key.in_(keys[chunk : chunk + 500]),
        )
        existing.update((f.key, f) for f in session.execute(query).scalars())
    now = clock.now()
    opened: list[CheckFinding] = []
    reopened: list[int] = []
    for key, item in by_key.items():
        row = existing.get(key)
        if row is None:
            row = CheckFinding(
                check_name=check_name,
                key=key,
                status="open",
                first_seen_run_id=run_row.id,
                created_at=now,
            )
            session.add(row)
            opened.append(row)
        elif row.status == "resolved":
            row.status = "open"
            row.status_reason = f"seen again by check run {run_row.id}"
            row.status_by = SYSTEM
            row.status_at = now
            reopened.append(row.id)
        row.severity = item.severity
        row.summary = item.summary[:500]
        row.detail = item.detail[:2000]
        row.evidence = _evidence(item)
        row.rule = asdict(item.rule)
        row.last_seen_run_id = run_row.id
        row.last_seen_at = now
    session.flush()
    return [row.id for row in opened], reopened


def _evidence(item: Found) -> dict[str, object]:
    evidence = asdict(item.evidence)
    return {name: list(v) if isinstance(v, tuple) else v for name, v in evidence.items()}


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
