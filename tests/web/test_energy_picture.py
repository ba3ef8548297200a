"""The energy picture's geometry: bands per channel, pauses and findings placed at their times
and labelled in words."""

from __future__ import annotations

from typing import Any

from callwarden.analysis.energy import EnergyProfile
from callwarden.web.energy_picture import LEFT, RIGHT, WIDTH, draw


def test_pauses_and_findings_sit_at_their_offsets_with_labels() -> None:
    profile = EnergyProfile(window_s=1.0, duration_s=20.0, levels_db=[[-60.0] * 20, [0.0] * 20])
    findings: list[dict[str, Any]] = [
        {"kind": "notice_unverifiable", "severity": "info", "start_s": None, "channel": None},
        {
            "kind": "payment_audio_leak",
            "severity": "critical",
            "start_s": 5.0,
            "end_s": 15.0,
            "channel": 0,
        },
    ]
    pauses = [{"start_s": 5.0, "end_s": 15.0, "reason": "payment"}]
    picture = draw(profile, ["customer", "agent"], pauses, findings)
    assert [band.label for band in picture.bands] == ["1: customer", "2: agent"]
    quiet, loud = picture.bands
    assert max(bar.height for bar in quiet.bars) < 2 < min(bar.height for bar in loud.bars)
    plot = WIDTH - LEFT - RIGHT
    [pause] = picture.pauses
    assert pause.label == "P1 payment" and pause.x == LEFT + plot / 4 and pause.width == plot / 2
    [leak] = picture.findings  # the one without an offset is listed, not drawn
    assert leak.label == "F2" and "critical" in leak.title and leak.y == quiet.y
    assert [label for _x, label in picture.ticks][:3] == ["0:00", "0:02", "0:04"]
