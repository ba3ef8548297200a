"""DTMF keypresses per channel, to the ITU-T Q.24 tolerances, without talk-off from speech or music.

Method, in two stages so a whole call costs almost nothing:

1. Candidates, from the shared 32 ms / 10 ms spectrogram: a frame is a candidate when its
   strongest low-group peak (625–1000 Hz) and strongest high-group peak (1150–1720 Hz) lie near
   keypad frequencies, together hold 75% of the frame's energy, and no third partial comes
   within 6 dB of the weaker one. Two or more candidate frames naming the same key (a 30 ms tone
   spans at least two) form a region.
2. Validation, in the time domain on each region only: the two nominal tones are demodulated
   (complex mixing plus a 20 ms triangular average) to find where *both* are present, to the
   millisecond;
   interruptions shorter than `bridge_gap_s` are bridged (a lost 20 ms packet does not split a
   key) and longer pauses split keys. The steady part is then measured: each tone's frequency by
   an interpolated zero-padded FFT peak, and a least-squares fit of both tones and their second
   harmonics gives their levels. A keypress is reported only if every Q.24-style check passes:
   frequency within ±`freq_tolerance` (Q.24 demands acceptance at ±1.5% and rejection at ±3.5%;
   the boundary sits between), duration ≥ `min_tone_s` (accept 40 ms, reject ≤ 23 ms), twist
   accepted up to +4 dB (high group louder, "normal") / -8 dB ("reverse"), each tone above
   `min_level_dbfs`, the two tones carrying ≥ `min_energy_ratio` of the signal energy (speech and
   music spread energy over many partials), and second harmonics ≥ 20 dB down (voices and
   instruments have strong harmonics; a keypad's sine pair does not).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d

from callwarden.analysis.audio import ANALYSIS_RATE, Audio, at_analysis_rate
from callwarden.analysis.features import FRAME, HOP, Spectrogram, full_scale_power, spectrogram
from callwarden.analysis.spans import runs

LOW_GROUP = (697.0, 770.0, 852.0, 941.0)
HIGH_GROUP = (1209.0, 1336.0, 1477.0, 1633.0)
KEYPAD = ("123A", "456B", "789C", "*0#D")
_LOW_BINS = slice(20, 33)  # 625–1000 Hz at 31.25 Hz per bin
_HIGH_BINS = slice(37, 56)  # 1156–1719 Hz
_TOTAL_BINS = slice(3, 126)  # 94–3937 Hz
_SPEECH_BINS = slice(10, 109)  # 313–3375 Hz
_FFT = 2048  # zero-padded: 3.9 Hz bins, then parabolic interpolation
_SMOOTH = 80  # 10 ms envelope smoothing
_BAND = slice(int(300 * _FFT / ANALYSIS_RATE), int(3400 * _FFT / ANALYSIS_RATE))
_MARGIN = 240  # 30 ms either side of a candidate region


@dataclass(frozen=True)
class DtmfSettings:
    """Acceptance limits; the defaults follow ITU-T Q.24 (see module docstring).

    Each limit is a decision boundary placed between what Q.24 says must be accepted and what
    must be rejected, so measurement error on a tone exactly at the limit does not flip it.
    """

    min_tone_s: float = 0.030  # Q.24: accept >= 40 ms, reject <= 23 ms
    bridge_gap_s: float = 0.030  # Q.24: bridge <= 10 ms; a >= 40 ms pause separates keys
    freq_tolerance: float = 0.025  # Q.24: accept within 1.5%, reject beyond 3.5%
    max_normal_twist_db: float = 5.0  # Q.24-style: accept +4 dB; 1 dB of measurement margin
    max_reverse_twist_db: float = 9.0  # accept -8 dB; 1 dB of measurement margin
    min_level_dbfs: float = -40.0
    min_energy_ratio: float = 0.8
    max_harmonic_db: float = -20.0
    min_third_tone_margin_db: float = 6.0


@dataclass(frozen=True)
class Keypress:
    """One key: which, when (seconds), on which channel, and the measurements that passed."""

    digit: str
    start_s: float
    end_s: float
    channel: int
    low_hz: float = 0.0
    high_hz: float = 0.0
    twist_db: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "digit": self.digit,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "channel": self.channel,
        }


def _candidate_keys(spec: Spectrogram, settings: DtmfSettings) -> NDArray[np.int64]:
    """Per frame: key index row * 4 + column, or -1."""
    power = spec.power
    low_peak = np.argmax(power[:, _LOW_BINS], axis=1) + _LOW_BINS.start
    high_peak = np.argmax(power[:, _HIGH_BINS], axis=1) + _HIGH_BINS.start
    offsets = np.arange(-1, 2)
    low_power = np.take_along_axis(power, low_peak[:, None] + offsets, axis=1).sum(axis=1)
    high_power = np.take_along_axis(power, high_peak[:, None] + offsets, axis=1).sum(axis=1)
    total = power[:, _TOTAL_BINS].sum(axis=1) + 1e-20
    floor = 10 ** ((settings.min_level_dbfs - 6.0) / 10) * full_scale_power()
    twist_low = 10 ** (-(settings.max_reverse_twist_db + 3.0) / 10)
    twist_high = 10 ** ((settings.max_normal_twist_db + 3.0) / 10)
    candidate = (
        ((low_power + high_power) > 0.75 * total)
        & (low_power > floor)
        & (high_power > floor)
        & (high_power > twist_low * low_power)
        & (high_power < twist_high * low_power)
    )
    bin_hz = ANALYSIS_RATE / FRAME
    row, low_near = _nearest(low_peak * bin_hz, LOW_GROUP, settings)
    column, high_near = _nearest(high_peak * bin_hz, HIGH_GROUP, settings)
    keys = np.where(candidate & low_near & high_near, row * 4 + column, -1)
    frames = np.flatnonzero(keys >= 0)
    keys[frames[_third_partial(power[frames], low_peak[frames], high_peak[frames])]] = -1
    return keys


def _third_partial(
    power: NDArray[np.float32], low_peak: NDArray[np.int64], high_peak: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Frames where some other partial in 300–3400 Hz comes within 6 dB of the weaker tone.

    The validation's third-tone check at frame resolution, so that voiced speech (whose
    harmonics stand at many multiples of the pitch) rarely costs a time-domain validation.
    """
    rows = np.arange(power.shape[0])[:, None]
    others = power[:, _SPEECH_BINS].copy()
    for peak in (low_peak, high_peak):
        others[rows, peak[:, None] + np.arange(-2, 3) - _SPEECH_BINS.start] = 0.0
    weaker = np.minimum(power[rows[:, 0], low_peak], power[rows[:, 0], high_peak])
    return np.asarray(others.max(axis=1, initial=0.0) > 0.25 * weaker)


def _nearest(
    peak_hz: NDArray[np.float64], group: tuple[float, ...], settings: DtmfSettings
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Closest keypad frequency to each peak, and whether the peak is plausibly that tone."""
    nominal = np.array(group)
    index = np.argmin(np.abs(peak_hz[:, None] - nominal), axis=1)
    slack = nominal[index] * (settings.freq_tolerance + 0.015) + ANALYSIS_RATE / FRAME / 2
    return index, np.abs(peak_hz - nominal[index]) <= slack


def _envelopes(segment: NDArray[np.float64], low_hz: float, high_hz: float) -> NDArray[np.float64]:
    """(2, samples) amplitude of each nominal tone: complex mixing, then two centred 10 ms means.

    Two passes of a 10 ms mean (a 20 ms triangle) suppress the other tone's leakage by ~40 dB,
    so a quiet tone under reverse twist is not rippled apart; being symmetric, the smoothing
    still puts a tone's half-amplitude points exactly at its edges.
    """
    time = np.arange(segment.size, dtype=np.float32) / np.float32(ANALYSIS_RATE)
    turns = np.outer(np.array((low_hz, high_hz), dtype=np.float32), time)
    smoothed: NDArray[Any] = segment.astype(np.float32) * np.exp(np.complex64(-2j * np.pi) * turns)
    for _ in range(2):
        padded = np.pad(smoothed, ((0, 0), (_SMOOTH // 2 + 1, _SMOOTH // 2)))
        running = np.cumsum(padded, axis=1)
        smoothed = (running[:, _SMOOTH:] - running[:, :-_SMOOTH]) / _SMOOTH
    return np.asarray(2.0 * np.abs(smoothed))


def _peak(spectrum: NDArray[np.float64], nominal: float, tolerance: float) -> float:
    """Interpolated frequency of the strongest bin within ±(tolerance + 2%) of `nominal`."""
    bin_hz = ANALYSIS_RATE / _FFT
    low = int(nominal * (1 - tolerance - 0.02) / bin_hz)
    high = int(nominal * (1 + tolerance + 0.02) / bin_hz) + 1
    index = low + int(np.argmax(spectrum[low:high]))
    left, centre, right = np.log(spectrum[index - 1 : index + 2] + 1e-30)
    curvature = left - 2 * centre + right
    shift = 0.5 * (left - right) / curvature if curvature < 0 else 0.0
    return float((index + shift) * bin_hz)


def _measure(
    steady: NDArray[np.float64], row: int, column: int, settings: DtmfSettings
) -> tuple[float, float, float] | None:
    """Frequencies and twist if the steady part passes every check, else None."""
    window = np.hanning(steady.size)
    spectrum = np.abs(np.fft.rfft((steady - steady.mean()) * window, _FFT))
    low_hz = _peak(spectrum, LOW_GROUP[row], settings.freq_tolerance)
    high_hz = _peak(spectrum, HIGH_GROUP[column], settings.freq_tolerance)
    for measured, nominal in ((low_hz, LOW_GROUP[row]), (high_hz, HIGH_GROUP[column])):
        if abs(measured / nominal - 1.0) > settings.freq_tolerance:
            return None
    time = np.arange(steady.size) / ANALYSIS_RATE
    basis = [np.ones_like(time)]
    for frequency in (low_hz, high_hz, 2 * low_hz, 2 * high_hz):
        basis += [np.cos(2 * np.pi * frequency * time), np.sin(2 * np.pi * frequency * time)]
    coefficients, *_ = np.linalg.lstsq(np.stack(basis, axis=1), steady, rcond=None)
    amplitude = np.hypot(coefficients[1::2], coefficients[2::2])  # low, high, 2low, 2high
    low_amp, high_amp = float(amplitude[0]), float(amplitude[1])
    if min(low_amp, high_amp) < 10 ** (settings.min_level_dbfs / 20):
        return None
    twist = 20 * np.log10(high_amp / low_amp)
    if not -settings.max_reverse_twist_db <= twist <= settings.max_normal_twist_db:
        return None
    variance = float(np.var(steady)) + 1e-20
    if (low_amp**2 + high_amp**2) / 2 < settings.min_energy_ratio * variance:
        return None
    harmonic_limit = 10 ** (settings.max_harmonic_db / 20)
    if amplitude[2] > harmonic_limit * low_amp or amplitude[3] > harmonic_limit * high_amp:
        return None
    residual = steady - np.stack(basis, axis=1) @ coefficients
    leftover = np.abs(np.fft.rfft(residual * window, _FFT))[_BAND] * (2.0 / window.sum())
    third = float(leftover.max()) * 10 ** (settings.min_third_tone_margin_db / 20)
    if third > min(low_amp, high_amp):  # another partial nearly as strong: speech or music
        return None
    return low_hz, high_hz, float(twist)


def _validate(
    signal: NDArray[np.float32],
    first: int,
    last: int,
    key: int,
    channel: int,
    settings: DtmfSettings,
) -> list[Keypress]:
    row, column = divmod(key, 4)
    start = max(0, first * HOP - _MARGIN)
    stop = min(signal.size, last * HOP + FRAME + _MARGIN)
    segment = signal[start:stop].astype(np.float64)
    envelopes = _envelopes(segment, LOW_GROUP[row], HIGH_GROUP[column])
    present = np.all(envelopes > 0.5 * envelopes.max(axis=1, keepdims=True), axis=0)
    pieces = runs(present)
    bridge = int(settings.bridge_gap_s * ANALYSIS_RATE)
    grouped: list[list[tuple[int, int]]] = []
    for piece in pieces:
        if grouped and piece[0] - grouped[-1][-1][1] < bridge:
            grouped[-1].append(piece)
        else:
            grouped.append([piece])
    found = []
    for group in grouped:
        begin, end = group[0][0], group[-1][1]
        if end - begin < settings.min_tone_s * ANALYSIS_RATE:
            continue
        longest = max(group, key=lambda item: item[1] - item[0])
        steady = segment[longest[0] + 40 : longest[1] - 40]
        if steady.size < 160:
            continue
        measured = _measure(steady, row, column, settings)
        if measured is None:
            continue
        found.append(
            Keypress(
                KEYPAD[row][column],
                (start + begin) / ANALYSIS_RATE,
                (start + end) / ANALYSIS_RATE,
                channel,
                *measured,
            )
        )
    return found


def detect_channel(
    signal: NDArray[np.float32],
    channel: int = 0,
    spec: Spectrogram | None = None,
    settings: DtmfSettings | None = None,
) -> list[Keypress]:
    """Keypresses in one channel already at `ANALYSIS_RATE` (pass `spec` to reuse it)."""
    settings = settings or DtmfSettings()
    spec = spec or spectrogram(signal)
    keys = _candidate_keys(spec, settings)
    found: list[Keypress] = []
    for key in np.unique(keys[keys >= 0]):
        mask = keys == key
        closed = uniform_filter1d(mask.astype(np.float32), 3) > 0.0  # bridge 1–2 frame holes
        for first, last in runs(closed):
            if np.count_nonzero(mask[first:last]) >= 2:  # a 30 ms tone spans ≥ 2 frames
                found += _validate(signal, first, last, int(key), channel, settings)
    return _deduplicate(found, settings)


def _deduplicate(found: list[Keypress], settings: DtmfSettings) -> list[Keypress]:
    """Regions can overlap at their margins; one tone must be reported once."""
    out: list[Keypress] = []
    for press in sorted(found, key=lambda item: item.start_s):
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.digit == press.digit
            and press.start_s - previous.end_s < settings.bridge_gap_s
        ):
            out[-1] = replace(previous, end_s=max(previous.end_s, press.end_s))
        else:
            out.append(press)
    return out


def detect_dtmf(audio: Audio, settings: DtmfSettings | None = None) -> list[Keypress]:
    """Every keypress in every channel, ordered by time."""
    signal = at_analysis_rate(audio)
    found: list[Keypress] = []
    for channel in range(signal.shape[1]):
        found += detect_channel(np.ascontiguousarray(signal[:, channel]), channel, None, settings)
    return sorted(found, key=lambda item: (item.start_s, item.channel))
