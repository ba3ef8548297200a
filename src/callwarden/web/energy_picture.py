"""The geometry of a recording's energy picture: one band per channel, the level of each window
as a bar, pauses hatched and findings marked, each labelled in words so that nothing is told by
colour alone. The template only draws what this computes (inline SVG, no script)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callwarden.analysis.energy import FLOOR_DB, EnergyProfile
from callwarden.web.templating import seconds

WIDTH, LEFT, RIGHT = 960.0, 96.0, 12.0
TOP = 44.0  # two rows of labels above the bands
BAND, GAP, AXIS = 64.0, 8.0, 26.0
TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600)


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class Band:
    label: str
    y: float
    middle: float
    bars: list[Bar]


@dataclass(frozen=True, slots=True)
class Mark:
    """A pause or a finding: where it is drawn and what it is called."""

    label: str  # short, on the picture ("P1", "F2")
    title: str  # the words behind it (hover, and the list under the picture)
    x: float
    width: float  # 0 for a moment
    y: float
    height: float
    label_y: float


@dataclass(frozen=True, slots=True)
class Picture:
    width: float
    height: float
    plot_bottom: float
    bands: list[Band]
    pauses: list[Mark] = field(default_factory=list)
    findings: list[Mark] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)


def _tick_step(duration_s: float) -> int:
    return next((step for step in TICK_STEPS if duration_s / step <= 10), TICK_STEPS[-1])


def draw(
    profile: EnergyProfile,
    channel_names: list[str],
    pauses: list[dict[str, Any]],
    findings: list[dict[str, Any]],
) -> Picture:
    """The picture of `profile`; `findings` as `verification.findings.describe` gives them,
    numbered F1, F2… in their order (the page's findings table uses the same numbers)."""
    duration = max(profile.duration_s, 1e-6)
    plot = WIDTH - LEFT - RIGHT

    def x_of(offset_s: float) -> float:
        return LEFT + plot * min(max(offset_s, 0.0), duration) / duration

    bands: list[Band] = []
    for channel, levels in enumerate(profile.levels_db):
        y = TOP + channel * (BAND + GAP)
        step = plot / max(len(levels), 1)
        bars = []
        for index, level in enumerate(levels):
            height = max(1.0, BAND * (level - FLOOR_DB) / -FLOOR_DB)
            bars.append(Bar(LEFT + index * step, y + (BAND - height) / 2, step * 0.9, height))
        name = channel_names[channel] if channel < len(channel_names) else ""
        label = f"{channel + 1}: {name}" if name else f"Channel {channel + 1}"
        bands.append(Band(label, y, y + BAND / 2, bars))
    bottom = TOP + len(bands) * (BAND + GAP) - GAP
    marks_pause = []
    for number, pause in enumerate(pauses, start=1):
        start = float(pause.get("start_s") or 0.0)
        end = pause.get("end_s")
        stop = float(end) if end is not None else duration
        reason = pause.get("reason") or "no reason given"
        title = f"Pause {number} ({reason}): {seconds(start)}–{seconds(stop)}"
        if end is None:
            title += " (not resumed)"
        marks_pause.append(
            Mark(
                f"P{number} {reason}",
                title,
                x_of(start),
                x_of(stop) - x_of(start),
                TOP,
                bottom - TOP,
                14.0,
            )
        )
    marks_finding = []
    placed = [f for f in findings if f.get("start_s") is not None]
    for number, finding in enumerate(findings, start=1):
        if finding not in placed:
            continue
        start = float(finding["start_s"])
        end = finding.get("end_s")
        lane = finding.get("channel")
        if isinstance(lane, int) and 0 <= lane < len(bands):
            y, height = bands[lane].y, BAND
        else:
            y, height = TOP, bottom - TOP
        width = x_of(float(end)) - x_of(start) if end is not None else 0.0
        title = f"F{number} {finding['kind']} ({finding['severity']}) at {seconds(start)}"
        marks_finding.append(Mark(f"F{number}", title, x_of(start), width, y, height, 32.0))
    step = _tick_step(duration)
    ticks = [(x_of(t), seconds(t)) for t in range(0, int(duration) + 1, step)]
    return Picture(WIDTH, bottom + AXIS, bottom, bands, marks_pause, marks_finding, ticks)
