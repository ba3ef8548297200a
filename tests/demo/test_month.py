"""The demo's month and sounds as plain values: what any seed must hold, and sounds the
detectors hear (also without espeak-ng)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import get_args

import numpy as np
import pytest

from callwarden.analysis import detect_dtmf, detect_notice, from_array
from callwarden.checks.registry import registered
from callwarden.demo.audio import RATE, announcement, dial, espeak_available, mix, spoken
from callwarden.demo.defects import SCENARIO_DEFECTS, SEEDED_DEFECTS, Expected
from callwarden.demo.scenarios import AGENTS, MINIMUM_CALLS, Defect, ghost_call, plan_month

NOW = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("seed", [0, 1, 99])
def test_every_month_holds_the_seeded_calls_in_the_past_in_time_order(seed: int) -> None:
    month = plan_month(40, 7, NOW, seed)
    defects = Counter(call.defect for call in month if call.defect)
    assert defects == {
        "notice_silent": 1,
        "notice_unreported": 1,
        "keys_in_pause": 1,
        "early_recording": 1,
        "recording_lost": 1,
    }
    starts = [call.started_at for call in month]
    assert starts == sorted(starts) and len(month) == 40
    assert all(NOW - timedelta(days=7) < moment < NOW - timedelta(hours=1) for moment in starts)
    assert {call.consent for call in month} >= {"accept", "decline", "withdraw"}
    assert any(call.transfer_to for call in month) and any(c.payment_pause for c in month)
    assert {call.direction for call in month} >= {"inbound", "outbound"}
    assert {call.agent for call in month} <= set(AGENTS)
    assert all(call.transfer_to != call.agent for call in month)


@pytest.mark.parametrize("seed", [0, 5])
def test_the_unknown_call_is_one_no_call_of_the_month_could_be_taken_for(seed: int) -> None:
    month = plan_month(MINIMUM_CALLS, 3, NOW, seed)
    ghost = ghost_call(month, seed)
    assert ghost == ghost_call(month, seed) and ghost != ghost_call(month, seed + 1)
    assert ghost.external_id == f"demo-{len(month):05d}"
    assert ghost.number not in {call.number for call in month}
    assert month[0].started_at < ghost.started_at < month[-1].started_at
    assert plan_month(MINIMUM_CALLS, 3, NOW, seed) == month  # drawn aside: the month is as it was


def test_every_seeded_defect_is_for_a_registered_check_and_every_scenario_defect_is_told() -> None:
    checks = registered()
    assert {d.name for d in SEEDED_DEFECTS} >= set(SCENARIO_DEFECTS.values())
    assert all(check in checks for d in SEEDED_DEFECTS for check in d.checks)
    assert set(SCENARIO_DEFECTS) == set(get_args(Defect)) - {"early_recording"}


def test_a_finding_shows_a_defect_only_when_it_names_everything_the_defect_was_seeded_on() -> None:
    lost = Expected("recording_lost", "completeness", calls=("call_a",))
    assert lost.shown_by("completeness", {"calls": ["call_a"], "figures": {}})
    assert not lost.shown_by("completeness", {"calls": ["call_b"]})
    assert not lost.shown_by("consent", {"calls": ["call_a"]})
    busy = Expected("overactive_listener", "access", recordings=("r1", "r2"), users=("sam",))
    assert busy.shown_by("access", {"recordings": ["r1", "r2", "r3"], "users": ["sam"]})
    assert not busy.shown_by("access", {"recordings": ["r1"], "users": ["sam"]})
    ghost = Expected("unknown_cdr_call", "completeness", figures={"external_id": "demo-00012"})
    assert ghost.shown_by("completeness", {"figures": {"external_id": "demo-00012"}})
    assert not ghost.shown_by("completeness", {"figures": {"external_id": "demo-00011"}})


def test_a_seed_draws_the_same_month_again() -> None:
    assert plan_month(30, 5, NOW, 7) == plan_month(30, 5, NOW, 7)
    assert plan_month(30, 5, NOW, 7) != plan_month(30, 5, NOW, 8)
    with pytest.raises(ValueError, match="at least"):
        plan_month(MINIMUM_CALLS - 1, 5, NOW, 7)


@pytest.mark.parametrize("speech", [False, True])
def test_a_notice_on_the_agent_channel_is_found_and_another_is_not(speech: bool) -> None:
    if speech and not espeak_available():
        pytest.skip("espeak-ng is not installed")
    ours = announcement("notice-en-v3", "This call is recorded for quality.", "en-us", speech)
    other = announcement("notice-de-v2", "Dieses Gespräch wird aufgezeichnet.", "de", speech)
    keys, _ = dial("41", RATE)
    recording = mix([(1, 1.5, ours), (0, 14.0, keys)], 20.0)
    found = detect_notice(from_array(recording, RATE), from_array(ours, RATE))
    facing = {channel.channel: channel for channel in found.per_channel}
    assert facing[1].detected and abs((facing[1].offset_s or 0) - 1.5) < 0.2
    assert not facing[0].detected
    assert not any(
        c.detected
        for c in detect_notice(from_array(recording, RATE), from_array(other, RATE)).per_channel
    )
    digits = "".join(k.digit for k in detect_dtmf(from_array(recording, RATE)))
    assert digits == "41"
    assert float(np.abs(recording[:, 1]).max()) > 0.05


def test_stand_in_speech_is_not_heard_as_keys() -> None:
    lines = [spoken(text, voice, speech=False) for text, voice in LINES]
    clips, at = [], 0.5
    for index, line in enumerate(lines):
        clips.append((index % 2, at, line))
        at += line.size / RATE + 0.4
    recording = mix(clips, at + 1.0)
    assert float(np.abs(recording).max()) > 0.05
    assert detect_dtmf(from_array(recording, RATE)) == []


LINES = [
    ("Thanks for calling Northwind Mutual, how can I help?", "en-gb+m3"),
    ("Hi, I'm calling about the bill I got last week.", "en-us+f3"),
    ("Let me pull up your account, one moment please.", "en-gb+m3"),
    ("Guten Tag, ich rufe wegen meiner letzten Rechnung an.", "de+f2"),
]
