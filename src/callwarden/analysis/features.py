"""The one short-time spectrum every detector shares.

Speech activity, DTMF candidates and announcement fingerprints all start from the power spectrum
of 32 ms Hann-windowed frames every 10 ms at 8 kHz. Computing it once per channel and handing it
to each detector is most of why a whole recording is analysed in well under a thousandth of its
length: the FFT is the dominant cost, and it is paid once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.fft
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from callwarden.analysis.audio import ANALYSIS_RATE

FRAME = 256  # 32 ms at 8 kHz: resolves DTMF row tones 73 Hz apart
HOP = 80  # 10 ms: fine enough for 40 ms tones and 40 ms pauses
BIN_HZ = ANALYSIS_RATE / FRAME
_BLOCK = 1024  # frames per FFT batch


@cache
def _window() -> NDArray[np.float32]:
    return np.hanning(FRAME).astype(np.float32)


@cache
def full_scale_power() -> float:
    """Spectrum power (summed over bins) of a full-scale sine: the 0 dBFS reference."""
    window = _window().astype(np.float64)
    return float(FRAME * np.sum(window**2) / 4.0)


@dataclass(frozen=True)
class Spectrogram:
    """Power spectrum per frame, shaped (frames, FRAME // 2 + 1), at `ANALYSIS_RATE`.

    Frame `i` covers samples [i * HOP, i * HOP + FRAME); its centre is `centre_s(i)`.
    """

    power: NDArray[np.float32]
    samples: int

    @property
    def frames(self) -> int:
        return int(self.power.shape[0])

    @staticmethod
    def centre_s(index: float) -> float:
        return (index * HOP + FRAME / 2) / ANALYSIS_RATE

    def head(self, frames: int | None) -> Spectrogram:
        """The first `frames` frames (all of them when None)."""
        if frames is None or frames >= self.frames:
            return self
        return Spectrogram(self.power[: max(frames, 0)], min(self.samples, frames * HOP + FRAME))

    def band_power(self, low_hz: float, high_hz: float) -> NDArray[np.float32]:
        """Summed power of the bins whose centres lie in [low_hz, high_hz]."""
        low = int(np.ceil(low_hz / BIN_HZ))
        high = int(np.floor(high_hz / BIN_HZ))
        return np.asarray(self.power[:, low : high + 1].sum(axis=1), dtype=np.float32)


def spectrogram(signal: NDArray[np.float32]) -> Spectrogram:
    """Power spectrogram of a mono signal already at `ANALYSIS_RATE`."""
    mono = np.asarray(signal, dtype=np.float32)
    if mono.shape[0] < FRAME:
        mono = np.pad(mono, (0, FRAME - mono.shape[0]))
    frames = sliding_window_view(mono, FRAME)[::HOP]
    power = np.empty((frames.shape[0], FRAME // 2 + 1), dtype=np.float32)
    windowed = np.empty((_BLOCK, FRAME), dtype=np.float32)
    for start in range(0, frames.shape[0], _BLOCK):  # cache-sized blocks: twice as fast
        count = min(_BLOCK, frames.shape[0] - start)
        np.multiply(frames[start : start + count], _window(), out=windowed[:count])
        spectrum = scipy.fft.rfft(windowed[:count], axis=1, workers=1)
        np.square(spectrum.real, out=power[start : start + count])
        power[start : start + count] += spectrum.imag**2
    return Spectrogram(power, int(signal.shape[0]))


def to_db(power: NDArray[np.floating], floor_db: float = -120.0) -> NDArray[np.float32]:
    """Power relative to a full-scale sine, in dB, floored so silence is finite."""
    ratio = np.maximum(
        np.asarray(power, dtype=np.float64) / full_scale_power(), 10 ** (floor_db / 10)
    )
    return (10.0 * np.log10(ratio)).astype(np.float32)
