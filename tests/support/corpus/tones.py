"""Keypad tones and music, to test the DTMF detector against what it must and must not hear.

The keypad tones themselves are the product's (`callwarden.demo.audio`, which the demo command
uses too); the music that must not be heard as keys is the tests' own.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from callwarden.demo.audio import Press, dial, dtmf_tone, key_frequencies, overlay

__all__ = ["Press", "dial", "dtmf_tone", "key_frequencies", "music", "overlay", "presses_digits"]

Signal = NDArray[np.float32]


def music(
    seconds: float, rng: np.random.Generator, rate: int = 8000, level_dbfs: float = -14.0
) -> Signal:
    """Hold music: chords of harmonic (piano-like) notes, many landing near keypad frequencies.

    Notes are drawn from the equal-tempered scale between F4 and G6, which puts fundamentals and
    overtones within a few percent of every DTMF tone (F5 = 698 Hz, E6 = 1319 Hz, ...); each note
    has decaying harmonics and slight vibrato, as instruments do.
    """
    samples = int(seconds * rate)
    out = np.zeros(samples)
    time = np.arange(samples) / rate
    cursor = 0.0
    while cursor < seconds:
        length = float(rng.uniform(0.15, 0.6))
        begin, end = int(cursor * rate), min(samples, int((cursor + length) * rate))
        local = time[begin:end] - cursor
        envelope = np.exp(-local * rng.uniform(1.5, 5.0)) * np.minimum(1.0, local / 0.01)
        for _ in range(int(rng.integers(1, 4))):
            note = 440.0 * 2 ** (int(rng.integers(-4, 23)) / 12)
            vibrato = 1 + 0.003 * np.sin(2 * np.pi * 5.5 * local)
            for harmonic in range(1, 6):
                frequency = note * harmonic
                if frequency < rate / 2:
                    weight = 0.6 ** (harmonic - 1)
                    out[begin:end] += (
                        weight * envelope * np.sin(2 * np.pi * frequency * local * vibrato)
                    )
        cursor += length
    rms = float(np.sqrt(np.mean(out**2))) + 1e-12
    return np.asarray(out * (10 ** (level_dbfs / 20) / rms), dtype=np.float32)


def presses_digits(presses: Sequence[Press]) -> str:
    return "".join(press.digit for press in presses)
