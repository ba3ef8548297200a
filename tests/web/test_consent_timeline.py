"""The consent timeline's geometry: every event on its lane at its time, words on every mark,
labels that would overlap stacked, labels near the right edge turned to read leftwards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from callwarden.web.consent_timeline import LABEL_WIDTH, WIDTH, build, elapsed

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).isoformat()


def event(kind: str, seconds: float, party: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "occurred_at": at(seconds),
        "party_key": party,
        "method": extra.get("method"),
        "accepted": extra.get("accepted", True),
        "violation": extra.get("violation"),
    }


def party(key: str, jurisdiction: str | None, joined: float, left: float | None = None) -> Any:
    return {
        "key": key,
        "jurisdiction": jurisdiction,
        "joined_at": at(joined),
        "left_at": at(left) if left is not None else None,
    }


def detail() -> dict[str, Any]:
    return {
        "started_at": at(0),
        "ended_at": at(100),
        "parties": [party("customer", "DE", 0), party("specialist", None, 50, 90)],
        "events": [
            event("notice_played", 1, "customer"),
            event("consent_given", 2, "customer", method="dtmf"),
            event("recording_started", 3),
            event("transferred", 50, "agent"),
            event("consent_withdrawn", 70, "customer"),
            event("call_ended", 100),
            event("recording_stopped", 100, accepted=False, violation="after the end"),
        ],
        "pauses": [
            {
                "reason": "payment",
                "started_at": at(20),
                "ended_at": at(45),
                "exceeded_policy_maximum": True,
            }
        ],
    }


def test_each_event_is_on_its_lane_at_its_time_with_a_word() -> None:
    timeline = build(detail())
    lanes = {lane.name: lane for lane in timeline.lanes}
    assert list(lanes) == ["Call", "customer (DE)", "specialist (location unknown)", "Recording"]
    customer = [mark.label for mark in lanes["customer (DE)"].marks]
    assert customer == ["notice", "consent given", "withdrawn"]
    assert [mark.label for mark in lanes["Call"].marks] == ["transfer", "call ended"]
    recording = lanes["Recording"]
    assert [mark.label for mark in recording.marks] == ["recording on", "refused: recording off"]
    assert recording.marks[1].refused and "violation: after the end" in recording.marks[1].title
    [pause] = recording.bars
    assert pause.label == "paused: payment (too long)" and pause.exceeded
    span = WIDTH - 24 - LABEL_WIDTH
    assert abs(pause.x - (LABEL_WIDTH + span * 0.2)) < 1
    assert abs(pause.width - span * 0.25) < 1
    specialist = lanes["specialist (location unknown)"].present
    assert specialist is not None
    assert abs(specialist[0] - (LABEL_WIDTH + span * 0.5)) < 1
    assert timeline.summary == "7 events over 1:40 with 2 parties, 1 pause, 1 refused"


def test_labels_that_would_touch_are_stacked_and_the_last_reads_leftwards() -> None:
    timeline = build(detail())
    customer = timeline.lanes[1]
    notice, consent, withdrawn = customer.marks
    assert notice.row != consent.row  # a second apart: the second label goes on another row
    assert withdrawn.row == 0 and notice.label_y != consent.label_y
    ended = timeline.lanes[0].marks[1]
    assert ended.anchor == "end" and ended.label_x < ended.x
    later_lane = timeline.lanes[1]
    assert later_lane.top >= timeline.lanes[0].top + timeline.lanes[0].height


def test_ticks_and_elapsed_time_read_as_a_player_shows_them() -> None:
    timeline = build(detail())
    assert [tick.label for tick in timeline.ticks][:3] == ["0:00", "0:15", "0:30"]
    assert elapsed(3725) == "1:02:05" and elapsed(-2) == "-0:02"
