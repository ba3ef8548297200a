"""Which of the phone system's call-detail records match no call: by source and external id
(or, for Twilio, the parent call's id), else by the record's numbers on a call that started
within the window. Read a batch at a time, with one query per batch for each way of matching,
so a period's file of any size is compared in bounded memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.cdr import service as cdr
from callwarden.models import Call, CallParty, CdrRecord

# A call-detail record of a call that never connected needs no recording (Twilio's statuses).
NOT_CONNECTED = frozenset({"busy", "failed", "no-answer", "canceled", "queued", "ringing"})
BATCH = 500


def unmatched(
    session: Session, start: datetime, end: datetime, window: timedelta
) -> Iterator[CdrRecord]:
    """The connected calls of [start, end) in the records that callwarden never heard of."""
    for batch in cdr.batches_in(session, start, end, BATCH):
        known = _known_by_id(session, batch)
        candidates = [
            record
            for record in batch
            if (record.status or "").lower() not in NOT_CONNECTED
            and (record.source, record.external_id) not in known
            and (record.source, record.parent_external_id) not in known
        ]
        near = _numbers_near(session, candidates, window) if candidates else []
        for record in candidates:
            if not _known_by_numbers(record, near, window):
                yield record


def _digits(number: str | None) -> str:
    return "".join(ch for ch in number or "" if ch.isdigit())


def _known_by_id(session: Session, records: Sequence[CdrRecord]) -> set[tuple[str, str]]:
    """The (source, external id) pairs of the batch, and of their parent calls, that are calls:
    one query per source, on the calls' unique (source, external_id) index."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for record in records:
        wanted[record.source].add(record.external_id)
        if record.parent_external_id:
            wanted[record.source].add(record.parent_external_id)
    known: set[tuple[str, str]] = set()
    for source, ids in wanted.items():
        found = session.execute(
            select(Call.external_id).where(Call.source == source, Call.external_id.in_(ids))
        ).scalars()
        known |= {(source, str(external)) for external in found}
    return known


def _numbers_near(
    session: Session, records: Sequence[CdrRecord], window: timedelta
) -> list[tuple[datetime, set[str]]]:
    """The calls that started near the batch's records, each as its start and the digits of
    its parties' numbers: one query for the batch (the records come oldest first)."""
    rows = session.execute(
        select(Call.id, Call.started_at, CallParty.number)
        .join(CallParty, CallParty.call_id == Call.id)
        .where(
            Call.started_at >= records[0].started_at - window,
            Call.started_at <= records[-1].started_at + window,
            CallParty.number.is_not(None),
        )
    )
    calls: dict[str, tuple[datetime, set[str]]] = {}
    for call_id, started, number in rows:
        calls.setdefault(call_id, (started, set()))[1].add(_digits(number))
    return list(calls.values())


def _known_by_numbers(
    record: CdrRecord, near: list[tuple[datetime, set[str]]], window: timedelta
) -> bool:
    """A call from and to the record's numbers (those it gives) starting within the window."""
    numbers = {n for n in (_digits(record.from_number), _digits(record.to_number)) if n}
    if not numbers:
        return False
    return any(
        abs(started - record.started_at) <= window and numbers <= found for started, found in near
    )
