"""What the API accepts as input: strict request bodies, bounded numbers, real timestamps.

pydantic's lax mode turns `true` into 1, `"3"` into 3 and `0` into 1970-01-01, and accepts years
and integers no database column can hold. A request is evidence in this service, so a value is
taken only as what it says it is: every request body derives from RequestModel (strict: a
boolean is not an integer, a string is not a number), timestamps are ISO 8601 text with a time
zone within years the service can store and compute with, and integers in paths and queries
carry bounds a 64-bit column holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

# Timestamps: calls, events and recordings happen in these years; outside them the value is
# a mistake (or an attack on date arithmetic), not a time.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_ISO_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
# The documents say the same: the year comes first, and lies in EARLIEST..LATEST.
YEARS_PATTERN = r"^(19[7-9][0-9]|2[01][0-9]{2})-"

# The largest integer a 64-bit database column (SQLite INTEGER, PostgreSQL BIGINT) holds.
MAX_STORED_INT = 2**63 - 1


class RequestModel(BaseModel):
    """Base of every JSON request body: strict types, unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _timestamp_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE_TIME.match(value):
        raise ValueError(
            "must be an ISO 8601 date-time with a time zone, e.g. 2026-11-27T10:00:00Z"
        )
    return value


def _in_range(value: datetime) -> datetime:
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError(f"must be between the years {EARLIEST.year} and {LATEST.year - 1}")
    return value


# A request body's time: ISO 8601 text with a time zone, within EARLIEST..LATEST.
Timestamp = Annotated[
    AwareDatetime,
    Field(strict=False, json_schema_extra={"pattern": YEARS_PATTERN}),
    BeforeValidator(_timestamp_text),
    AfterValidator(_in_range),
]
# A query's time: the same text; without a time zone it is read as UTC by the route.
QueryTimestamp = Annotated[
    datetime,
    Field(json_schema_extra={"pattern": YEARS_PATTERN}),
    BeforeValidator(_timestamp_text),
    AfterValidator(_in_range),
]


def whole_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    return value


# A JSON body's integer is a number without a fraction (JSON's 90 and 90.0), never true or "90":
# `Annotated[int, Field(strict=False, ge=..., le=...), WHOLE_NUMBER]` (bounds before the check,
# so the document shows them).
WHOLE_NUMBER = BeforeValidator(whole_number)
# An integer in a path or query that is stored or compared with a stored column.
StoredInt = Annotated[int, Field(ge=-MAX_STORED_INT, le=MAX_STORED_INT)]
