"""The consent timeline of a call as geometry for an inline SVG, drawn by the server.

A person checking a call wants to see at a glance what each party heard and agreed to and when,
against the recording's pauses and the call's transfers. Each event becomes a mark on its lane
(the call, each party, the recording) at its time; every mark carries a word, not only a shape
or a colour, and labels that would overlap are stacked on rows of their own. The values come
from the call's detail as the API gives it (`calls.ledger.call_detail`), so the picture and the
JSON never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

WIDTH = 960
LABEL_WIDTH = 170  # the lane names on the left
RIGHT_MARGIN = 24
ROW_HEIGHT = 16  # one row of mark labels
LANE_PADDING = 14
AXIS_HEIGHT = 34
CHAR_WIDTH = 6.6  # an estimate of a label character at 11px, to keep labels apart

# What a mark says (a word, so no meaning rests on colour) and its shape, by event kind.
MARKS: dict[str, tuple[str, str]] = {
    "notice_played": ("notice", "circle"),
    "consent_given": ("consent given", "square"),
    "consent_declined": ("declined", "cross"),
    "consent_withdrawn": ("withdrawn", "cross"),
    "beep_tone": ("beep", "circle"),
    "recording_started": ("recording on", "square"),
    "recording_paused": ("paused", "bar"),
    "recording_resumed": ("resumed", "bar"),
    "recording_stopped": ("recording off", "square"),
    "recording_stored": ("stored", "square"),
    "party_joined": ("joined", "triangle"),
    "party_left": ("left", "triangle"),
    "transferred": ("transfer", "triangle"),
    "call_ended": ("call ended", "triangle"),
}
PARTY_KINDS = {"notice_played", "consent_given", "consent_declined", "consent_withdrawn"}


@dataclass
class Mark:
    x: float
    label: str
    shape: str
    title: str  # the hover text: the time and what happened
    refused: bool
    row: int = 0
    y: float = 0.0  # the mark's centre, once the lane is placed
    label_y: float = 0.0
    label_x: float = 0.0
    anchor: str = "start"  # "end" near the right edge: the label reads leftwards


@dataclass
class Bar:
    x: float
    width: float
    label: str
    exceeded: bool = False


@dataclass
class Lane:
    name: str
    marks: list[Mark] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    present: tuple[float, float] | None = None  # a party's time on the call, as x from..to
    top: float = 0.0
    height: float = 0.0
    line_y: float = 0.0


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    plot_left: float
    plot_right: float
    axis_y: float
    lanes: list[Lane]
    ticks: list[Tick]
    summary: str


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def elapsed(value: float) -> str:
    """Seconds since the call began, as m:ss (h:mm:ss past an hour)."""
    sign = "-" if value < 0 else ""
    whole = round(abs(value))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    shown = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return sign + shown


class _Axis:
    """Time to x, from the call's start to its end (or its last known moment)."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.start = start
        self.span_s = max((end - start).total_seconds(), 1.0)
        self.left = float(LABEL_WIDTH)
        self.right = float(WIDTH - RIGHT_MARGIN)

    def seconds(self, moment: datetime) -> float:
        return (moment - self.start).total_seconds()

    def x(self, moment: datetime) -> float:
        share = min(max(self.seconds(moment) / self.span_s, 0.0), 1.0)
        return round(self.left + share * (self.right - self.left), 1)

    def ticks(self) -> list[Tick]:
        steps = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)
        step = next((s for s in steps if self.span_s / s <= 8), 14_400)
        marks = []
        at = 0
        while at <= self.span_s:
            marks.append(Tick(self.x(self.start + timedelta(seconds=at)), elapsed(at)))
            at += step
        return marks


def _stack(marks: list[Mark]) -> int:
    """Put each label on the first row where it does not touch the one before (a label that
    would run off the right edge reads leftwards from its mark); the number of rows used."""
    spans = []
    for mark in marks:
        width = len(mark.label) * CHAR_WIDTH + 8
        if mark.x + width > WIDTH - 4:
            mark.anchor, mark.label_x = "end", mark.x - 3
            spans.append((mark.x - width, mark.x + 2, mark))
        else:
            mark.label_x = mark.x + 3
            spans.append((mark.x - 2, mark.x + width, mark))
    ends: list[float] = []
    for begin, end, mark in sorted(spans, key=lambda span: span[0]):
        for row, taken_to in enumerate(ends):
            if begin >= taken_to:
                mark.row, ends[row] = row, end
                break
        else:
            mark.row = len(ends)
            ends.append(end)
    return max(len(ends), 1)


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _lane_of(event: dict[str, Any], party_lanes: dict[str, Lane], call_lane: Lane) -> Lane | None:
    kind = event["kind"]
    if kind in PARTY_KINDS or kind == "beep_tone":
        key = event.get("party_key")
        return party_lanes.get(key, call_lane) if key else call_lane
    if kind.startswith("recording_"):
        return None  # the recording lane
    return call_lane


def build(detail: dict[str, Any]) -> Timeline:
    """The timeline of one call from its detail (`calls.ledger.call_detail`)."""
    start = _moment(detail["started_at"])
    assert start is not None
    events = detail["events"]
    moments = [start, *(_moment(e["occurred_at"]) or start for e in events)]
    moments += [_moment(p["ended_at"]) or start for p in detail["pauses"]]
    ended = _moment(detail.get("ended_at"))
    end = max([*moments, ended or start])
    axis = _Axis(start, end)

    call_lane = Lane("Call")
    party_lanes = {}
    for party in detail["parties"]:
        place = party["jurisdiction"] or "location unknown"
        lane = Lane(f"{party['key']} ({place})")
        joined, left = _moment(party["joined_at"]), _moment(party["left_at"])
        lane.present = (axis.x(joined or start), axis.x(left or end))
        party_lanes[party["key"]] = lane
    recording_lane = Lane("Recording")

    for event in events:
        moment = _moment(event["occurred_at"]) or start
        word, shape = MARKS.get(event["kind"], (event["kind"].replace("_", " "), "circle"))
        refused = not event["accepted"]
        label = f"refused: {word}" if refused else word
        parts = [f"{elapsed(axis.seconds(moment))} {word}"]
        if event.get("party_key"):
            parts.append(f"party {event['party_key']}")
        if event.get("method"):
            parts.append(f"by {event['method']}")
        if event.get("violation"):
            parts.append(f"violation: {event['violation']}")
        mark = Mark(axis.x(moment), label, shape, "; ".join(parts), refused)
        (_lane_of(event, party_lanes, call_lane) or recording_lane).marks.append(mark)

    for pause in detail["pauses"]:
        began = _moment(pause["started_at"]) or start
        x_from = axis.x(began)
        x_to = axis.x(_moment(pause["ended_at"]) or end)
        exceeded = bool(pause["exceeded_policy_maximum"])
        label = f"paused: {pause['reason']}" + (" (too long)" if exceeded else "")
        recording_lane.bars.append(Bar(x_from, max(x_to - x_from, 2.0), label, exceeded))

    lanes = [call_lane, *party_lanes.values(), recording_lane]
    top = 8.0
    for lane in lanes:
        rows = _stack(lane.marks)
        lane.top = top
        lane.height = rows * ROW_HEIGHT + 2 * LANE_PADDING + 8
        lane.line_y = top + lane.height - LANE_PADDING
        for mark in lane.marks:
            mark.y = lane.line_y
            mark.label_y = lane.line_y - 12 - mark.row * ROW_HEIGHT
        top += lane.height
    refusals = sum(not e["accepted"] for e in events)
    summary = (
        f"{_count(len(events), 'event')} over {elapsed(axis.span_s)} with "
        f"{_count(len(party_lanes), 'party', 'parties')}, "
        f"{_count(len(detail['pauses']), 'pause')}, {refusals} refused"
    )
    return Timeline(
        width=WIDTH,
        height=int(top + AXIS_HEIGHT),
        plot_left=axis.left,
        plot_right=axis.right,
        axis_y=top + 6,
        lanes=lanes,
        ticks=axis.ticks(),
        summary=summary,
    )
