"""Synthetic audio for tests: deterministic tones and noise, written by soundfile into bytes."""

from __future__ import annotations

import io

import numpy as np
import soundfile


def tone_mix(seconds: float, channels: int = 2, rate: int = 8000, seed: int = 0) -> np.ndarray:
    """A different tone per channel plus a little noise: easy to tell channels and bytes apart."""
    frames = int(seconds * rate)
    time = np.arange(frames) / rate
    rng = np.random.default_rng(seed)
    columns = [
        0.3 * np.sin(2 * np.pi * (300 + 150 * channel) * time) + 0.01 * rng.standard_normal(frames)
        for channel in range(channels)
    ]
    return np.stack(columns, axis=1).astype(np.float32)


def encode(
    samples: np.ndarray, rate: int = 8000, fmt: str = "WAV", subtype: str = "PCM_16"
) -> bytes:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate, format=fmt, subtype=subtype)
    return buffer.getvalue()


def wav(
    seconds: float, channels: int = 2, rate: int = 8000, subtype: str = "PCM_16", seed: int = 0
) -> bytes:
    return encode(tone_mix(seconds, channels, rate, seed), rate, "WAV", subtype)
