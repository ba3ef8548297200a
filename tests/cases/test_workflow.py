"""The process as values: due dates in working days, which action each state allows, and the
appeal's once-within-the-window rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callwarden.cases.workflow import (
    Action,
    State,
    appeal_until,
    check_appeal,
    due_at,
    next_state,
)
from callwarden.kit import working_days
from callwarden.kit.errors import Conflict

MONDAY = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 1, datetime(2026, 11, 3, 9, 30, tzinfo=UTC)),
        (MONDAY, 4, datetime(2026, 11, 6, 9, 30, tzinfo=UTC)),  # Friday
        (MONDAY, 5, datetime(2026, 11, 9, 9, 30, tzinfo=UTC)),  # over the weekend
        (MONDAY, 10, datetime(2026, 11, 16, 9, 30, tzinfo=UTC)),
        (MONDAY + timedelta(days=4), 1, datetime(2026, 11, 9, 9, 30, tzinfo=UTC)),  # Fri → Mon
        (MONDAY + timedelta(days=5), 1, datetime(2026, 11, 9, 9, 30, tzinfo=UTC)),  # Sat → Mon
        (MONDAY + timedelta(days=6), 1, datetime(2026, 11, 9, 9, 30, tzinfo=UTC)),  # Sun → Mon
        (MONDAY + timedelta(days=5), 5, datetime(2026, 11, 13, 9, 30, tzinfo=UTC)),
    ],
)
def test_working_days_skip_weekends(start: datetime, days: int, expected: datetime) -> None:
    assert working_days.after(start, days) == expected
    assert expected.weekday() < 5


def test_the_due_date_is_the_policys_answer_time_in_working_days() -> None:
    assert due_at(MONDAY, 10) == datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    assert appeal_until(MONDAY, 14) == MONDAY + timedelta(days=14)


def test_each_action_moves_only_from_the_states_it_allows() -> None:
    assert next_state(Action.REVIEW, "open") is State.IN_REVIEW
    assert next_state(Action.DECIDE, "in_review") is State.DECIDED
    assert next_state(Action.APPEAL, "decided") is State.IN_REVIEW
    assert next_state(Action.CLOSE, "decided") is State.CLOSED
    assert next_state(Action.REPLY, "in_review") is State.IN_REVIEW  # no move
    with pytest.raises(Conflict, match="open, waiting for review cannot take 'decide'"):
        next_state(Action.DECIDE, "open")
    for action in (Action.REPLY, Action.MESSAGE, Action.APPEAL, Action.ASSIGN, Action.CLOSE):
        with pytest.raises(Conflict):
            next_state(action, "closed")
    with pytest.raises(Conflict):
        next_state(Action.CLOSE, "in_review")


def test_an_appeal_is_once_and_within_the_window() -> None:
    until = MONDAY + timedelta(days=14)
    check_appeal(appealed_at=None, until=until, now=until)  # the last moment still counts
    with pytest.raises(Conflict, match="time to appeal this decision has passed"):
        check_appeal(appealed_at=None, until=until, now=until + timedelta(seconds=1))
    with pytest.raises(Conflict, match="already appealed once"):
        check_appeal(appealed_at=MONDAY, until=until, now=MONDAY)
