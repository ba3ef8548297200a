"""Which of the phone system's call-detail records match no call: by source and external id
(or, for Twilio, the parent call's id), else by the record's numbers on a call that started
within the window.

Set-based, for a period's file of a million records: the database keeps the connected records
that match no call by id (two anti-joins on the calls' unique (source, external_id) index), a
small share of the file; only those are compared by numbers, a batch at a time, with a query
per batch for the calls that started near each of its records and one for their parties.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice

from sqlalchemy import Integer, String, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from callwarden.checks.sql import one_of, within
from callwarden.models import Call, CallParty, CdrRecord

# A call-detail record of a call that never connected needs no recording (Twilio's statuses).
NOT_CONNECTED = frozenset({"busy", "failed", "no-answer", "canceled", "queued", "ringing"})
BATCH = 500
_NOT_DIGITS = re.compile("[^0-9]")  # for ASCII, exactly what str.isdigit keeps
PARAMETERS = 5000  # bound values per IN list, well inside both databases' limits


def unmatched(
    session: Session, start: datetime, end: datetime, window: timedelta
) -> Iterator[CdrRecord]:
    """The connected calls of [start, end) in the records that callwarden never heard of,
    oldest first."""
    by_id = aliased(Call)
    by_parent = aliased(Call)
    candidates = session.execute(
        select(CdrRecord)
        .where(
            CdrRecord.started_at >= start,
            CdrRecord.started_at < end,
            func.lower(func.coalesce(CdrRecord.status, "")).not_in(sorted(NOT_CONNECTED)),
            ~exists().where(
                by_id.source == CdrRecord.source, by_id.external_id == CdrRecord.external_id
            ),
            or_(
                CdrRecord.parent_external_id.is_(None),
                ~exists().where(
                    by_parent.source == CdrRecord.source,
                    by_parent.external_id == CdrRecord.parent_external_id,
                ),
            ),
        )
        .order_by(CdrRecord.started_at, CdrRecord.id)
    ).scalars()
    while batch := list(islice(candidates, BATCH)):
        near = _numbers_near(session, batch, window)
        for record in batch:
            if not _known_by_numbers(record, near.get(record.id, []), window):
                yield record


def _digits(number: str | None) -> str:
    if number is None or number.isascii():  # the common case, a regex for the loop below
        return _NOT_DIGITS.sub("", number or "")
    return "".join(ch for ch in number if ch.isdigit())


def _numbers_near(
    session: Session, records: Sequence[CdrRecord], window: timedelta
) -> dict[int, list[tuple[datetime, set[str]]]]:
    """For each record of the batch, the calls that started near it, each as its start and the
    digits of its parties' numbers: two queries for the batch (the calls near each record on
    the calls' start index, then their parties by call id)."""
    seconds = window.total_seconds()
    pairs = session.execute(
        select(CdrRecord.id, Call.id, Call.started_at)
        .join(Call, within(session, Call.started_at, CdrRecord.started_at, seconds))
        .where(one_of(session, CdrRecord.id, [record.id for record in records], Integer))
    ).all()
    numbers: dict[str, set[str]] = defaultdict(set)
    call_ids = sorted({call_id for _, call_id, _ in pairs})
    for chunk in range(0, len(call_ids), PARAMETERS):
        parties = session.execute(
            select(CallParty.call_id, CallParty.number).where(
                one_of(session, CallParty.call_id, call_ids[chunk : chunk + PARAMETERS], String),
                CallParty.number.is_not(None),
            )
        )
        for call_id, number in parties:
            numbers[call_id].add(_digits(number))
    near: dict[int, list[tuple[datetime, set[str]]]] = defaultdict(list)
    for record_id, call_id, started in pairs:
        if call_id in numbers:  # a call with no numbers matches no record
            near[record_id].append((started, numbers[call_id]))
    return near


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
