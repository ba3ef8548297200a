"""Loudness per channel over time: a tone reads near its level, silence at the floor."""

from __future__ import annotations

import numpy as np

from callwarden.analysis import from_array
from callwarden.analysis.energy import FLOOR_DB, energy_profile


def test_a_tone_and_silence_are_told_apart_per_channel_and_window() -> None:
    rate = 8000
    time = np.arange(4 * rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440 * time)
    samples = np.zeros((4 * rate, 2), dtype=np.float32)
    samples[: 2 * rate, 0] = tone[: 2 * rate]  # channel 1 speaks in the first half
    samples[2 * rate :, 1] = tone[2 * rate :]  # channel 2 in the second
    profile = energy_profile(from_array(samples, rate), windows=4)
    assert profile.window_s == 1.0 and profile.duration_s == 4.0
    first, second = profile.levels_db
    sine_db = 20 * np.log10(0.5 / np.sqrt(2))  # RMS of a 0.5 sine: about -9 dB
    assert all(abs(level - sine_db) < 0.2 for level in first[:2] + second[2:])
    assert first[2:] == [FLOOR_DB, FLOOR_DB] and second[:2] == [FLOOR_DB, FLOOR_DB]


def test_more_windows_than_frames_gives_one_per_frame() -> None:
    profile = energy_profile(from_array(np.full((5, 1), 0.1, dtype=np.float32), 8000), 240)
    assert len(profile.levels_db[0]) == 5
