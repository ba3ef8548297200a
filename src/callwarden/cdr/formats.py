"""Reading call-detail files, row by row: values in, values out (no database).

Two layouts. Ours (`csv`), documented in the README: `call_id, source, start, end, duration_s,
from, to, direction, queue`. Twilio's (`twilio`): the call log exported from the Twilio
console, whose columns carry the Call resource's property names (Sid, ParentCallSid, From, To,
Direction, Status, StartTime, EndTime, Duration; Twilio's REST reference,
https://www.twilio.com/docs/voice/api/call-resource, gives StartTime and EndTime as GMT in
RFC 2822 form and Duration in seconds). We match Twilio's column names without regard to case,
spaces or underscores ("Start Time", "start_time"), and read dates in RFC 2822 or ISO 8601,
since exports have been seen in both.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal

Format = Literal["csv", "twilio"]
FORMATS: tuple[str, ...] = ("csv", "twilio")
TWILIO_SOURCE = "twilio"


@dataclass(frozen=True)
class CdrRow:
    """One call as the phone system tells it."""

    source: str
    external_id: str
    started_at: datetime
    ended_at: datetime | None
    duration_s: int | None
    from_number: str | None
    to_number: str | None
    direction: str | None
    queue: str | None = None
    status: str | None = None
    parent_external_id: str | None = None


@dataclass(frozen=True)
class BadRow:
    """A row that could not be read, by its line in the file (the header is line 1)."""

    line: int
    problem: str


def _key(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name).lower()


def parse_time(text: str) -> datetime:
    """An ISO 8601 or RFC 2822 moment, in UTC (a moment without a zone is taken as UTC)."""
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ValueError(f"{text!r} is not a date and time (ISO 8601 or RFC 2822)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _optional(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _duration(value: str | None) -> int | None:
    value = _optional(value)
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"duration {value!r} is not a number of seconds") from None
    if not 0 <= seconds < 10 * 86_400:  # NaN and infinity fail this too
        raise ValueError(f"duration {value} is not between 0 and ten days")
    return round(seconds)


# The widest value each column takes (the table's column sizes): a longer one is a bad row,
# never cut short (two long ids cut to the same prefix would be one call).
LIMITS = {"source": 40, "id": 200, "number": 64, "direction": 32, "queue": 120, "status": 32}
TWILIO_IDS = ("Sid", "CallSid")  # "Call Sid" and "call_sid" read as CallSid


def _bounded(value: str | None, what: str, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise ValueError(f"{what} is longer than {limit} characters")
    return value


def _row(fields: dict[str, str | None], layout: Format, default_source: str) -> CdrRow:
    def get(*columns: str) -> str | None:
        for column in columns:
            if (value := _optional(fields.get(_key(column)))) is not None:
                return value
        return None

    ids: tuple[str, ...]
    if layout == "twilio":
        names = {"start": "StartTime", "end": "EndTime", "duration": "Duration"}
        ids, source = TWILIO_IDS, TWILIO_SOURCE
    else:
        names = {"start": "start", "end": "end", "duration": "duration_s"}
        ids, source = ("call_id",), get("source") or default_source
    external_id = _bounded(get(*ids), ids[0], LIMITS["id"])
    if external_id is None:
        raise ValueError(f"no {ids[0]}")
    start_text = get(names["start"])
    if start_text is None:
        raise ValueError(f"no {names['start']}")
    started = parse_time(start_text)
    end_text = get(names["end"])
    ended = parse_time(end_text) if end_text else None
    duration = _duration(get(names["duration"]))
    if ended is None and duration is not None:
        ended = started + timedelta(seconds=duration)
    if ended is not None and ended < started:
        raise ValueError("the call ends before it starts")
    if duration is None and ended is not None:
        duration = round((ended - started).total_seconds())
    return CdrRow(
        source=_bounded(source, "source", LIMITS["source"]) or default_source,
        external_id=external_id,
        started_at=started,
        ended_at=ended,
        duration_s=duration,
        from_number=_bounded(get("from"), "from", LIMITS["number"]),
        to_number=_bounded(get("to"), "to", LIMITS["number"]),
        direction=_bounded(get("direction"), "direction", LIMITS["direction"]),
        queue=_bounded(get("queue"), "queue", LIMITS["queue"]),
        status=_bounded(get("status"), "status", LIMITS["status"]),
        parent_external_id=_bounded(get("ParentCallSid"), "ParentCallSid", LIMITS["id"]),
    )


def read(
    lines: Iterable[str], layout: Format, default_source: str = "cdr"
) -> Iterator[CdrRow | BadRow]:
    """Each row of the file as a `CdrRow`, or a `BadRow` naming its line and what is wrong;
    streamed, so a file of millions of rows is never held in memory."""
    reader = csv.reader(lines)
    try:
        header = [_key(name) for name in next(reader)]
    except StopIteration:
        return
    needed = (TWILIO_IDS, ("StartTime",)) if layout == "twilio" else (("call_id",), ("start",))
    missing = [names[0] for names in needed if not any(_key(n) in header for n in names)]
    if missing:
        yield BadRow(1, f"the header lacks {', '.join(missing)} for the {layout} layout")
        return
    for values in reader:
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(header):
            yield BadRow(line, f"{len(values)} fields where the header has {len(header)}")
            continue
        try:
            yield _row(dict(zip(header, values, strict=True)), layout, default_source)
        except (ValueError, OverflowError) as problem:
            yield BadRow(line, str(problem))
