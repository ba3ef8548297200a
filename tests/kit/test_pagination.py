"""The one pagination helper: cursors that survive a round trip and refuse forgeries (422),
and keyset pages that, walked to the end, give every row once, in order, on both databases."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import BaseModel
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit.errors import InvalidInput
from callwarden.kit.pagination import CursorKey, Keyset, Page, page_in_memory
from callwarden.models import Team

KEY = CursorKey("things", (datetime, str, int))
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
NEWEST_FIRST = Keyset("teams", (Team.created_at, Team.id), descending=True)
OLDEST_FIRST = Keyset("teams", (Team.created_at, Team.id))


def forged(*data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(data)).encode()).rstrip(b"=").decode()


def test_a_cursor_comes_back_as_the_key_it_was_made_from() -> None:
    values = (T0 + timedelta(microseconds=7), "cal_01", 2**62)
    cursor = KEY.encode(values)
    assert KEY.decode(cursor) == values
    assert cursor.replace("-", "").replace("_", "").isalnum()  # URL-safe, no padding


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64!",
        "a" * 600,
        "abc",  # decodes to bytes that are not JSON
        forged({"things": 1}),
        forged("things", T0.isoformat(), "x"),  # too few values
        forged("others", T0.isoformat(), "x", 1),  # another list's cursor
        forged("things", "yesterday", "x", 1),
        forged("things", "2026-11-01T09:00:00", "x", 1),  # no time zone
        forged("things", "3026-11-01T09:00:00+00:00", "x", 1),
        forged("things", T0.isoformat(), 5, 1),
        forged("things", T0.isoformat(), "x\x00y", 1),
        forged("things", T0.isoformat(), "x" * 1000, 1),
        forged("things", T0.isoformat(), "x", True),
        forged("things", T0.isoformat(), "x", 1.5),
        forged("things", T0.isoformat(), "x", 2**64),
    ],
)
def test_a_forged_or_malformed_cursor_is_invalid_input(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        KEY.decode(cursor)
    assert refused.value.status == 422 and "cursor" in refused.value.detail


def test_a_lone_surrogate_is_refused_before_it_reaches_a_database() -> None:
    text = '["things","2026-11-01T09:00:00+00:00","\\ud800",1]'
    cursor = base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidInput):
        KEY.decode(cursor)


def add_teams(db: Database, names: list[str], at: datetime) -> None:
    with db.unit_of_work() as session:
        session.add_all(Team(id=f"team_{name}", name=name, created_at=at) for name in names)


def flat(pages: list[list[str]]) -> list[str]:
    return [name for page in pages for name in page]


def walk(db: Database, keyset: Keyset, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        with db.reading() as session:
            query = keyset.apply(select(Team), cursor, limit)
            found = keyset.page(list(session.execute(query).scalars()), limit)
            pages.append([team.name for team in found.rows])
        if found.next_cursor is None:
            return pages
        cursor = found.next_cursor


def test_keyset_pages_give_every_row_once_in_order_ties_broken_by_id(db: Database) -> None:
    # Three rows share each time, so the id decides among them.
    for minute in range(4):
        add_teams(db, [f"t{minute}{n}" for n in "abc"], T0 + timedelta(minutes=minute))
    newest = walk(db, NEWEST_FIRST, 5)
    assert [len(page) for page in newest] == [5, 5, 2]
    assert flat(newest) == [f"t{m}{n}" for m in "3210" for n in "cba"]
    assert flat(walk(db, OLDEST_FIRST, 4)) == [f"t{m}{n}" for m in "0123" for n in "abc"]
    assert walk(db, OLDEST_FIRST, 12) == [flat(walk(db, OLDEST_FIRST, 100))]


def test_a_row_added_between_pages_neither_repeats_nor_hides_another(db: Database) -> None:
    add_teams(db, [f"old{n}" for n in range(6)], T0)
    with db.reading() as session:
        first = NEWEST_FIRST.page(
            list(session.execute(NEWEST_FIRST.apply(select(Team), None, 3)).scalars()), 3
        )
        seen = [t.name for t in first.rows]
    add_teams(db, ["newer"], T0 + timedelta(hours=1))
    with db.reading() as session:
        query = NEWEST_FIRST.apply(select(Team), first.next_cursor, 3)
        second = NEWEST_FIRST.page(list(session.execute(query).scalars()), 3)
        seen += [t.name for t in second.rows]
    assert sorted(seen) == [f"old{n}" for n in range(6)] and second.next_cursor is None


def test_an_empty_list_is_one_empty_page(db: Database) -> None:
    assert walk(db, OLDEST_FIRST, 10) == [[]]


def test_a_cursor_of_another_list_is_refused_by_the_query(db: Database) -> None:
    other = CursorKey("calls", (datetime, str)).encode((T0, "cal_1"))
    with pytest.raises(InvalidInput):
        OLDEST_FIRST.apply(select(Team), other, 10)


def test_a_list_in_memory_pages_the_same_way() -> None:
    numbers = CursorKey("runs", (int,))
    runs = list(range(10, 0, -1))  # newest first
    first = page_in_memory(runs, numbers, lambda n: (n,), None, 4, descending=True)
    assert first.rows == [10, 9, 8, 7] and first.next_cursor
    rest = page_in_memory(runs, numbers, lambda n: (n,), first.next_cursor, 10, descending=True)
    assert rest.rows == [6, 5, 4, 3, 2, 1] and rest.next_cursor is None


class Thing(BaseModel):
    name: str


def test_the_page_shape_is_named_after_its_items() -> None:
    page = Page[Thing](items=[Thing(name="a")], next_cursor=None)
    assert page.model_dump() == {"items": [{"name": "a"}], "next_cursor": None}
    assert Page[Thing].model_json_schema()["title"] == "ThingPage"
