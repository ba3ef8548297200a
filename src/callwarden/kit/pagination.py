"""Cursor pagination, one way for every list: an opaque cursor, one page shape, keyset SQL.

Every list the API and the CLI show (calls, audit events, findings, users, teams, tokens, policy
versions, job runs) answers a `Page`: its `items` and a `next_cursor`, null on the last page.
The cursor is the last item's sort key, written as base64url JSON with the list's name in
front. It is opaque to clients and checked on the way in: a cursor that does not decode, names
another list, or holds values of the wrong type or out of range is refused as invalid input
(422), never passed to the database to fail there.

A cursor is not signed. A forged one that passes the checks only moves where a page starts:
every filter and every access rule is applied in the query as on the first page, so it cannot
show anything the caller may not see.

Pages are cut by keyset, not by offset: the query asks for the rows after the cursor's key in
the list's order (a sort key ending in a unique column, so no two rows tie). A row added or
removed between two requests therefore neither repeats nor hides another one, and the database
walks an index instead of counting rows to skip.

kit is otherwise free of libraries; this module imports pydantic (the page shape is an API
shape) and sqlalchemy (the keyset condition is SQL), and no domain module.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from callwarden.kit.errors import InvalidInput
from callwarden.kit.inputs import EARLIEST, LATEST, MAX_STORED_INT

Item = TypeVar("Item")
Row = TypeVar("Row")

KeyValue = int | str | datetime
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_CURSOR_LENGTH = 512
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
_CURSOR_TEXT = re.compile(CURSOR_PATTERN)
_MAX_TEXT = 400  # longer than any key column the lists sort by


class Page(BaseModel, Generic[Item]):
    """One page of a list, in the list's order."""

    items: list[Item]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null when this page is the last."
    )

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """`CallSummaryPage` rather than `Page[CallSummary]` in the OpenAPI document."""
        return f"{getattr(params[0], '__name__', 'Item')}Page"


@dataclass(frozen=True, slots=True)
class Slice(Generic[Row]):
    """What a repository hands back: the page's rows and the cursor of the page after it."""

    rows: list[Row]
    next_cursor: str | None


def _refused(why: str) -> InvalidInput:
    return InvalidInput(f"invalid cursor: {why}; use the next_cursor of a page of this list")


def _checked(kind: type[KeyValue], value: Any) -> KeyValue:
    """One value of a decoded cursor, as the type its column holds, or refused."""
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _refused("a value is not a whole number")
        if not -MAX_STORED_INT <= value <= MAX_STORED_INT:
            raise _refused("a value is out of range")
        return value
    if not isinstance(value, str) or len(value) > _MAX_TEXT:
        raise _refused("a value is not text of the right length")
    if "\x00" in value:  # PostgreSQL refuses NUL in text
        raise _refused("a value holds a NUL character")
    try:
        value.encode("utf-8")  # JSON may carry a lone surrogate, which no database stores
    except UnicodeEncodeError:
        raise _refused("a value is not valid Unicode") from None
    if kind is str:
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _refused("a value is not a time") from None
    if moment.tzinfo is None or not EARLIEST <= moment < LATEST:
        raise _refused("a time has no zone or is out of range")
    return moment


@dataclass(frozen=True, slots=True)
class CursorKey:
    """What one list's cursors hold: the list's name, then its sort key's values in order."""

    list_name: str
    types: tuple[type[KeyValue], ...]

    def encode(self, values: Sequence[KeyValue]) -> str:
        data = [self.list_name, *(v.isoformat() if isinstance(v, datetime) else v for v in values)]
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True)
        return base64.urlsafe_b64encode(text.encode("ascii")).rstrip(b"=").decode("ascii")

    def decode(self, cursor: str) -> tuple[KeyValue, ...]:
        """The sort key a cursor of this list holds; anything else is refused (422)."""
        if len(cursor) > MAX_CURSOR_LENGTH or not _CURSOR_TEXT.fullmatch(cursor):
            raise _refused("not base64url text of at most 512 characters")
        try:
            data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        except (binascii.Error, ValueError):  # JSON and Unicode errors are ValueErrors
            raise _refused("it does not decode") from None
        if not isinstance(data, list) or len(data) != len(self.types) + 1:
            raise _refused("it does not hold this list's sort key")
        if data[0] != self.list_name:
            raise _refused("it belongs to another list")
        return tuple(
            _checked(kind, value) for kind, value in zip(self.types, data[1:], strict=True)
        )


Column = InstrumentedAttribute[Any] | ColumnElement[Any]


@dataclass(frozen=True)
class Keyset:
    """A list's order for keyset pagination: sort columns (the last one unique), one direction.

    `apply` orders a query and starts it after a cursor; `page` cuts what it returned into a
    page and the next cursor. The columns' Python types (int, str, datetime) say what a cursor
    of this list may hold.
    """

    list_name: str
    columns: tuple[Column, ...]
    descending: bool = False

    @property
    def cursor_key(self) -> CursorKey:
        return CursorKey(self.list_name, tuple(c.type.python_type for c in self.columns))

    def apply(self, query: Select[Any], cursor: str | None, limit: int) -> Select[Any]:
        """The query in the list's order, after the cursor's row, one row over `limit` (so the
        page knows whether another follows without counting)."""
        if cursor is not None:
            query = query.where(self._beyond(self.cursor_key.decode(cursor)))
        order = [column.desc() if self.descending else column.asc() for column in self.columns]
        return query.order_by(*order).limit(limit + 1)

    def _beyond(self, values: tuple[KeyValue, ...]) -> ColumnElement[bool]:
        """(a, b) > (x, y) written out, a > x OR (a = x AND b > y): the same on both databases,
        and each branch can use an index on its leading column."""
        branches = []
        for position, column in enumerate(self.columns):
            value = values[position]
            past = column < value if self.descending else column > value
            ties = [c == v for c, v in zip(self.columns[:position], values, strict=False)]
            branches.append(and_(*ties, past))
        return or_(*branches)

    def key_of(self, row: Any) -> tuple[KeyValue, ...]:
        """A row's sort key: the attributes named like the columns (ORM objects and rows)."""
        return tuple(getattr(row, str(column.key)) for column in self.columns)

    def page(self, rows: Sequence[Row], limit: int) -> Slice[Row]:
        """The first `limit` rows, and a cursor after the last of them if more were found."""
        shown = list(rows[:limit])
        if len(rows) <= limit or not shown:
            return Slice(shown, None)
        return Slice(shown, self.cursor_key.encode(self.key_of(shown[-1])))


def page_in_memory(
    items: Sequence[Row],
    cursor_key: CursorKey,
    key: Callable[[Row], tuple[KeyValue, ...]],
    cursor: str | None,
    limit: int,
    descending: bool = False,
) -> Slice[Row]:
    """The same paging over a list held in memory, already in `key` order (e.g. a runner's
    recent runs): items after the cursor's key, and the next cursor."""
    start = cursor_key.decode(cursor) if cursor is not None else None
    if start is not None:
        items = [item for item in items if (key(item) < start if descending else key(item) > start)]
    shown = list(items[:limit])
    more = len(items) > limit
    return Slice(shown, cursor_key.encode(key(shown[-1])) if more and shown else None)
