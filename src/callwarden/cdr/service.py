"""Importing call-detail files: the rows that read are stored (once), the ones that do not are
reported by line, and the import is one audit event with its counts.

The file is read as a stream and written in batches within the caller's unit of work, so a
file of millions of rows needs little memory, and a failure stores none of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cdr import repository
from callwarden.cdr.formats import BadRow, CdrRow, Format, read
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.models import CdrRecord

BATCH = 2000
REPORTED_PROBLEMS = 100  # the audit event keeps the first problems, the count keeps them all


@dataclass
class ImportReport:
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    bad: list[BadRow] = field(default_factory=list)


def _values(row: CdrRow, file_name: str, now: datetime) -> dict[str, Any]:
    return {
        "source": row.source,
        "external_id": row.external_id,
        "started_at": row.started_at,
        "ended_at": row.ended_at,
        "duration_s": row.duration_s,
        "from_number": row.from_number,
        "to_number": row.to_number,
        "direction": row.direction,
        "queue": row.queue,
        "status": row.status,
        "parent_external_id": row.parent_external_id,
        "imported_at": now,
        "import_file": file_name[:300],
    }


def import_lines(
    session: Session,
    principal: Principal,
    lines: Iterable[str],
    layout: Format,
    file_name: str,
    default_source: str = "cdr",
) -> ImportReport:
    """Store every readable row not stored before; say which lines were not read and why."""
    require(principal, "cdr.import")
    report = ImportReport()
    before = repository.count(session)
    now = clock.now()
    parsed = read(lines, layout, default_source)
    while batch := list(islice(parsed, BATCH)):
        good = []
        for item in batch:
            if isinstance(item, BadRow):
                report.bad.append(item)
            else:
                good.append(_values(item, file_name, now))
        report.read += len(good)
        repository.insert_new(session, good)
    report.imported = repository.count(session) - before
    report.duplicates = report.read - report.imported
    audit.record(
        session,
        actor=principal.actor,
        action="cdr.imported",
        target=f"cdr-file:{file_name[:180]}",
        reason=None,
        data={
            "format": layout,
            "read": report.read,
            "imported": report.imported,
            "duplicates": report.duplicates,
            "malformed": len(report.bad),
            "problems": [
                {"line": bad.line, "problem": bad.problem} for bad in report.bad[:REPORTED_PROBLEMS]
            ],
        },
    )
    return report


def batches_in(
    session: Session, start: datetime, end: datetime, size: int = 1000
) -> Iterator[Sequence[CdrRecord]]:
    """The records of calls that started in [start, end), oldest first, a batch at a time: what
    the completeness check compares with the calls, without holding a period's file in memory."""
    after: tuple[datetime, int] | None = None
    while batch := repository.page_in_period(session, start, end, after, size):
        yield batch
        after = (batch[-1].started_at, batch[-1].id)
