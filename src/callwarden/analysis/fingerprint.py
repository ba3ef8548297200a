"""Announcement fingerprints: the features both prompt and recording are reduced to.

See `notice` for the method as a whole. This module holds steps 1 and 2: the log mel-band
spectrogram of the telephone band (`fingerprint`) and the prompt cut into normalised, FFT'd
chunks (`prepare_prompt`), which is done once per announcement and reused for every recording.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import numpy as np
import scipy.fft
from numpy.typing import NDArray

from callwarden.analysis.audio import ANALYSIS_RATE, Audio, at_analysis_rate
from callwarden.analysis.features import BIN_HZ, FRAME, HOP, Spectrogram, spectrogram, to_db
from callwarden.kit.errors import InvalidInput

BANDS = 20
LOW_HZ, HIGH_HZ = 300.0, 3400.0
FLOOR_DB = 15.0
LOUDNESS_REMOVED = 0.5
CHUNK = 100  # frames: 1 s
CHUNK_HOP = 50
FFT_BLOCK = 1024  # overlap-save FFT length, in frames
FRAME_S = HOP / ANALYSIS_RATE

Features = NDArray[np.float32]


@cache
def _mel_bank() -> NDArray[np.float32]:
    """(bins, BANDS) triangular weights, mel-spaced across the telephone band."""

    def mel(hz: NDArray[np.float64]) -> NDArray[np.float64]:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    edges_mel = np.linspace(mel(np.array(LOW_HZ)), mel(np.array(HIGH_HZ)), BANDS + 2)
    edges = 700.0 * (10 ** (edges_mel / 2595.0) - 1.0)
    bins = np.arange(FRAME // 2 + 1) * BIN_HZ
    bank = np.zeros((bins.size, BANDS), dtype=np.float32)
    for band in range(BANDS):
        low, centre, high = edges[band : band + 3]
        rising = (bins - low) / (centre - low)
        falling = (high - bins) / (high - centre)
        bank[:, band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


def fingerprint(spec: Spectrogram) -> Features:
    """(frames, BANDS) log band energies in dB, each band floored FLOOR_DB below its loud level."""
    bands: Features = spec.power @ _mel_bank()
    loud = np.percentile(bands[:: max(1, bands.shape[0] // 4000)], 95, axis=0)
    floor = np.maximum(loud * 10 ** (-FLOOR_DB / 10), 1e-12).astype(np.float32)
    bands += floor
    np.log10(bands, out=bands)
    bands *= np.float32(10.0)
    bands -= np.float32(LOUDNESS_REMOVED) * bands.mean(axis=1, keepdims=True)
    return bands


@dataclass(frozen=True)
class Prompt:
    """An announcement prepared for matching: its normalised chunks, FFT'd once for reuse."""

    name: str
    duration_s: float
    lead_s: float  # silence trimmed from the start of the prompt file
    offsets: NDArray[np.int64] = field(repr=False)  # chunk starts, frames from audible start
    spectra: NDArray[np.complex64] = field(repr=False)  # (bins, BANDS, chunks), conjugated
    length: int = 0  # audible length in frames


def prepare_prompt(audio: Audio, name: str = "prompt") -> Prompt:
    """Fingerprint an announcement once, so every recording is matched against the same chunks."""
    spec = spectrogram(at_analysis_rate(audio).mean(axis=1))
    level = to_db(spec.band_power(LOW_HZ, HIGH_HZ))
    audible = np.flatnonzero((level > level.max() - 40.0) & (level > -70.0))
    if audible.size == 0:
        raise InvalidInput(f"prompt {name!r} is silent; cannot match it")
    first, last = int(audible[0]), int(audible[-1]) + 1
    features = fingerprint(spec)
    features = features[first:last]
    length = features.shape[0]
    if length < CHUNK // 2:
        raise InvalidInput(f"prompt {name!r} has under 0.5 s of audible sound; cannot match it")
    chunk = min(CHUNK, length)
    starts = list(range(0, length - chunk + 1, CHUNK_HOP))
    if starts[-1] != length - chunk:
        starts.append(length - chunk)
    loud = level[first:last] > level.max() - 30.0
    kernels = []
    kept = []
    for start in starts:
        patch = features[start : start + chunk] - features[start : start + chunk].mean(axis=0)
        norm = float(np.sqrt(np.sum(patch**2)))
        if norm > 0.0 and loud[start : start + chunk].mean() >= 0.3:  # pauses carry no evidence
            kernels.append(patch / norm)
            kept.append(start)
    if not kernels:
        raise InvalidInput(f"prompt {name!r} has no audible variation to match")
    stacked = np.zeros((len(kernels), FFT_BLOCK, BANDS), dtype=np.float32)
    for index, kernel in enumerate(kernels):
        stacked[index, : kernel.shape[0]] = kernel
    spectra = np.conj(scipy.fft.rfft(stacked, axis=1)).transpose(1, 2, 0)
    return Prompt(
        name=name,
        duration_s=audio.duration_s,
        lead_s=first * FRAME_S,
        offsets=np.asarray(kept, dtype=np.int64),
        spectra=np.ascontiguousarray(spectra.astype(np.complex64)),
        length=length,
    )
