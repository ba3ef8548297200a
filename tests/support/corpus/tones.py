"""Keypad tones and music, to test the DTMF detector against what it must and must not hear."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from callwarden.analysis.dtmf import HIGH_GROUP, KEYPAD, LOW_GROUP

Signal = NDArray[np.float32]


@dataclass(frozen=True)
class Press:
    """A keypress to synthesise, and so the truth to compare detections against."""

    digit: str
    start_s: float
    end_s: float


def key_frequencies(digit: str) -> tuple[float, float]:
    for row, keys in enumerate(KEYPAD):
        if digit in keys:
            return LOW_GROUP[row], HIGH_GROUP[keys.index(digit)]
    raise ValueError(f"{digit!r} is not a DTMF key")


def dtmf_tone(
    digit: str,
    seconds: float,
    rate: int = 8000,
    level_dbfs: float = -10.0,
    twist_db: float = 2.0,
    deviation: float = 0.0,
) -> Signal:
    """A key's two sines: high group `twist_db` above the low group, both off by `deviation`.

    `level_dbfs` is the low-group tone's peak amplitude re full scale; the default 2 dB of
    normal twist is what telephones send to offset the line's high-frequency loss.
    """
    low, high = key_frequencies(digit)
    time = np.arange(round(seconds * rate)) / rate
    amplitude = 10 ** (level_dbfs / 20)
    tone = amplitude * (
        np.sin(2 * np.pi * low * (1 + deviation) * time)
        + 10 ** (twist_db / 20) * np.sin(2 * np.pi * high * (1 + deviation) * time + 1.0)
    )
    return tone.astype(np.float32)


def dial(
    digits: str,
    rate: int = 8000,
    tone_s: float = 0.08,
    pause_s: float = 0.08,
    lead_s: float = 0.5,
    **tone_options: float,
) -> tuple[Signal, list[Press]]:
    """A dialled sequence with silence around it, and where each key truly is."""
    parts = [np.zeros(int(lead_s * rate), dtype=np.float32)]
    presses = []
    cursor = lead_s
    for digit in digits:
        parts.append(dtmf_tone(digit, tone_s, rate, **tone_options))
        presses.append(Press(digit, cursor, cursor + tone_s))
        parts.append(np.zeros(int(pause_s * rate), dtype=np.float32))
        cursor += tone_s + pause_s
    parts.append(np.zeros(int(lead_s * rate), dtype=np.float32))
    return np.concatenate(parts), presses


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


def overlay(base: Signal, addition: Signal, at_s: float, rate: int = 8000) -> Signal:
    """`base` with `addition` mixed in from `at_s` seconds (truncated at the end of `base`)."""
    out = np.array(base, dtype=np.float32)
    start = int(at_s * rate)
    piece = addition[: max(0, out.size - start)]
    out[start : start + piece.size] += piece
    return out


def presses_digits(presses: Sequence[Press]) -> str:
    return "".join(press.digit for press in presses)
