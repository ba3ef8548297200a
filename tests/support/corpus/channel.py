"""What a telephone network does to audio, as plain numpy functions.

Each impairment the announcement detector must survive is one function here, applied in the
order a real call path applies them: acoustic noise and the other party talking are added at
the source, then the channel band-limits, a gain stage changes the level, the signal is
resampled to the network rate and companded by G.711, and finally packets go missing.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np
import soundfile as sf
from numpy.typing import NDArray
from scipy.signal import butter, sosfilt

from callwarden.analysis.audio import resample

Signal = NDArray[np.float32]


@cache
def _telephone_band(rate: int) -> NDArray[np.float64]:
    return np.asarray(butter(4, [300.0, 3400.0], btype="band", fs=rate, output="sos"))


def band_limit(signal: Signal, rate: int) -> Signal:
    """300–3400 Hz, 8th-order Butterworth band-pass: the classic telephone channel."""
    return np.asarray(sosfilt(_telephone_band(rate), signal, axis=0), dtype=np.float32)


def gain(signal: Signal, decibels: float) -> Signal:
    return (signal * np.float32(10 ** (decibels / 20))).astype(np.float32)


def active_rms(signal: Signal, rate: int) -> float:
    """RMS over 20 ms frames within 40 dB of the loudest: a simple active speech level."""
    frame = rate // 50
    count = signal.shape[0] // frame
    if count == 0:
        return float(np.sqrt(np.mean(signal**2)) + 1e-12)
    energy = np.mean(signal[: count * frame].reshape(count, frame) ** 2, axis=1)
    active = energy > energy.max() * 1e-4
    return float(np.sqrt(np.mean(energy[active])) + 1e-12)


def add_noise(
    signal: Signal, noise: Signal, snr_db: float, reference_rms: float, rate: int
) -> Signal:
    """Add `noise` so the speech level is `snr_db` above it *within 300–3400 Hz*.

    Measuring both in the telephone band is the strict reading of "10 dB SNR": white noise spread
    over a 16 kHz signal's full 8 kHz would otherwise put most of its power where the channel
    later discards it, and the real in-band SNR would be several dB kinder than claimed.
    `reference_rms` must be the in-band active level (see `active_rms` of `band_limit`).
    """
    noise = noise[: signal.shape[0]]
    in_band = np.sqrt(np.mean(band_limit(noise, rate) ** 2)) + 1e-12
    scale = reference_rms / in_band / 10 ** (snr_db / 20)
    return (signal + noise * np.float32(scale)).astype(np.float32)


def white_noise(length: int, rng: np.random.Generator) -> Signal:
    return rng.standard_normal(length).astype(np.float32)


_G711_SUBTYPES = {"ulaw": "ULAW", "alaw": "ALAW"}


def compand(signal: Signal, law: str) -> Signal:
    """G.711 round trip (µ-law "ulaw" or A-law "alaw"): what the far end of the call hears.

    libsndfile's own codec does the quantisation, the same one that decodes real recordings. It
    wraps out-of-range samples around instead of saturating, so the signal is clipped first, as a
    real codec's input stage does.
    """
    if law not in _G711_SUBTYPES:
        raise ValueError(f"unknown companding law {law!r}; use 'ulaw' or 'alaw'")
    subtype = _G711_SUBTYPES[law]
    channels = 1 if signal.ndim == 1 else signal.shape[1]
    encoded = io.BytesIO()
    sf.write(encoded, np.clip(signal, -1.0, 1.0), 8000, subtype=subtype, format="RAW")
    decoded, _ = sf.read(
        io.BytesIO(encoded.getvalue()),
        dtype="float32",
        samplerate=8000,
        channels=channels,
        subtype=subtype,
        format="RAW",
        always_2d=signal.ndim == 2,
    )
    return np.asarray(decoded, dtype=np.float32)


def to_rate(signal: Signal, from_rate: int, to_rate: int) -> Signal:
    return resample(signal, from_rate, to_rate)


def packet_loss(
    signal: Signal, rate: int, rng: np.random.Generator, loss: float = 0.02, packet_s: float = 0.02
) -> Signal:
    """Zero whole packets at random with probability `loss` (no concealment: the worst case)."""
    packet = round(packet_s * rate)
    count = signal.shape[0] // packet
    lost = np.flatnonzero(rng.random(count) < loss)
    out = signal.copy()
    for index in lost:
        out[index * packet : (index + 1) * packet] = 0.0
    return out
