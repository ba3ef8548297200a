"""How loud each channel is over time: the numbers behind a recording's energy picture.

A person checking a call wants to see at a glance who spoke when, where the line was silent and
where a pause or a finding falls; the loudness of each channel in equal windows shows that,
and is cheap to compute from the decoded audio (one mean of squares per window).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from callwarden.analysis.audio import Audio

FLOOR_DB = -60.0  # quieter than this is drawn as silence


@dataclass(frozen=True, slots=True)
class EnergyProfile:
    """Loudness per channel per window, in dB relative to full scale (FLOOR_DB to 0)."""

    window_s: float
    duration_s: float
    levels_db: list[list[float]]  # [channel][window]


def energy_profile(audio: Audio, windows: int = 240) -> EnergyProfile:
    """The RMS level of each channel in `windows` equal slices of the recording."""
    frames = audio.frames
    count = max(1, min(windows, frames))
    edges = np.linspace(0, frames, count + 1).astype(np.int64)
    squares = np.square(audio.samples.astype(np.float64))
    totals = np.concatenate([np.zeros((1, audio.channels)), np.cumsum(squares, axis=0)])
    widths = np.maximum(np.diff(edges), 1)[:, None]
    mean_square = (totals[edges[1:]] - totals[edges[:-1]]) / widths
    with np.errstate(divide="ignore"):
        decibels = 10.0 * np.log10(np.maximum(mean_square, 1e-12))
    clipped = np.clip(decibels, FLOOR_DB, 0.0)
    return EnergyProfile(
        window_s=audio.duration_s / count,
        duration_s=audio.duration_s,
        levels_db=[[round(float(v), 1) for v in clipped[:, c]] for c in range(audio.channels)],
    )
