"""A small formant synthesiser: speech-like audio with no recordings and no downloads.

It is a cascade (Klatt-style) source–filter model: a glottal pulse train whose pitch follows a
declining phrase contour with stressed-syllable accents, shaped to a -6 dB/octave slope, passed
through four time-varying formant resonators whose targets come from the phones of a `Script`;
fricatives and plosive bursts are band-passed noise added after the tract. Control tracks move in
5 ms steps and are smoothed, so formants glide between phones and syllables swell and fade — the
syllabic amplitude modulation and spectral motion that real speech has and that the detectors
key on. It is not intelligible; it does not need to be.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, lfilter, sosfilt

from tests.support.corpus.phones import (
    FRICATIVES,
    PLOSIVES,
    SONORANTS,
    VOWELS,
    Script,
)

SYNTH_RATE = 16000
_BLOCK = SYNTH_RATE // 200  # 5 ms control steps
_BANDWIDTHS = (70.0, 110.0, 160.0, 250.0)


@dataclass(frozen=True)
class Voice:
    """A speaker: mean pitch, vocal-tract scale, tempo and breathiness."""

    pitch_hz: float = 120.0
    formant_scale: float = 1.0
    tempo: float = 1.0  # >1 speaks faster
    breathiness: float = 0.04


def random_voice(rng: np.random.Generator) -> Voice:
    """A plausible adult voice; higher pitch goes with a shorter (higher-formant) tract."""
    female = rng.random() < 0.5
    pitch = float(rng.uniform(165, 235) if female else rng.uniform(85, 140))
    scale = float(rng.uniform(1.1, 1.2) if female else rng.uniform(0.95, 1.05))
    return Voice(pitch, scale, float(rng.uniform(0.85, 1.2)), float(rng.uniform(0.02, 0.08)))


@cache
def _noise_filter(low: float, high: float) -> NDArray[np.float64]:
    high = min(high, SYNTH_RATE / 2 * 0.95)
    return np.asarray(butter(2, [low, high], btype="band", fs=SYNTH_RATE, output="sos"))


def _tracks(
    script: Script, voice: Voice, rng: np.random.Generator
) -> dict[str, NDArray[np.float64]]:
    """Per-5-ms control values: formants, voicing and aspiration, pitch."""
    durations = [max(1, round(p.duration_s / voice.tempo * 200)) for p in script.phones]
    blocks = sum(durations)
    formants = np.zeros((blocks, 4))
    voicing = np.zeros(blocks)
    pitch = np.zeros(blocks)
    last = np.array([500.0, 1500.0, 2500.0, 3500.0])
    cursor = 0
    for phone, count in zip(script.phones, durations, strict=True):
        span = slice(cursor, cursor + count)
        contour = 1.18 - 0.35 * phone.phrase_position + 0.25 * (phone.accent - 0.7)
        pitch[span] = voice.pitch_hz * contour
        if phone.symbol in VOWELS:
            last = np.array([*VOWELS[phone.symbol], 3500.0])
            voicing[span] = phone.accent
        elif phone.symbol in SONORANTS:
            f1, f2, f3, level = SONORANTS[phone.symbol]
            last = np.array([f1, f2, f3, 3500.0])
            voicing[span] = level * phone.accent
        elif phone.symbol in PLOSIVES and PLOSIVES[phone.symbol][2]:
            voicing[span] = 0.08
        formants[span] = last
        cursor += count
    drift = uniform_filter1d(rng.normal(0.0, 0.04, blocks), 40)
    return {
        "formants": uniform_filter1d(formants, 7, axis=0) * voice.formant_scale,
        "voicing": uniform_filter1d(voicing, 5),
        "pitch": uniform_filter1d(pitch, 9) * (1.0 + drift),
    }


def _source(
    pitch_blocks: NDArray[np.float64], voice: Voice, rng: np.random.Generator
) -> NDArray[np.float64]:
    samples = pitch_blocks.size * _BLOCK
    centres = (np.arange(pitch_blocks.size) + 0.5) * _BLOCK
    f0 = np.interp(np.arange(samples), centres, pitch_blocks)
    phase = np.cumsum(f0 / SYNTH_RATE)
    pulses = np.diff(np.floor(phase), prepend=0.0)
    pulses *= 1.0 + rng.normal(0.0, 0.05, samples)  # shimmer
    glottal = lfilter([1.0], [1.0, -1.9, 0.9025], pulses)
    radiated = np.diff(glottal, prepend=0.0)
    aspiration = rng.normal(0.0, 1.0, samples) * voice.breathiness * 0.05
    return np.asarray(radiated + aspiration)


def _tract(excitation: NDArray[np.float64], formants: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cascade of four resonators, coefficients updated every 5 ms (state carried across)."""
    out = np.empty_like(excitation)
    bandwidths = np.array(_BANDWIDTHS)
    radius = np.exp(-np.pi * bandwidths / SYNTH_RATE)
    state = np.zeros(8)
    for index in range(formants.shape[0]):
        theta = 2 * np.pi * np.minimum(formants[index], SYNTH_RATE * 0.45) / SYNTH_RATE
        denominator = np.array([1.0])
        gain = 1.0
        for r, t in zip(radius, theta, strict=True):
            section = np.array([1.0, -2 * r * np.cos(t), r * r])
            denominator = np.convolve(denominator, section)
            gain *= section.sum()
        block = slice(index * _BLOCK, (index + 1) * _BLOCK)
        out[block], state = lfilter([gain], denominator, excitation[block], zi=state)
    return out


def _noises(
    script: Script, voice: Voice, total: int, rng: np.random.Generator
) -> NDArray[np.float64]:
    """Fricatives and plosive bursts, band-passed noise outside the vocal tract."""
    out = np.zeros(total)
    cursor = 0
    for phone in script.phones:
        length = max(1, round(phone.duration_s / voice.tempo * 200)) * _BLOCK
        if phone.symbol in FRICATIVES:
            low, high, level = FRICATIVES[phone.symbol]
            start, stop = cursor, cursor + length
        elif phone.symbol in PLOSIVES:
            low, high, _ = PLOSIVES[phone.symbol]
            level = 0.5
            start = cursor + int(length * 0.6)
            stop = min(cursor + length, start + int(0.02 * SYNTH_RATE))
        else:
            cursor += length
            continue
        span = stop - start
        noise = sosfilt(_noise_filter(low, high), rng.normal(0.0, 1.0, span))
        envelope = np.sin(np.linspace(0.0, np.pi, span)) ** 0.5
        out[start:stop] += noise * envelope * level * phone.accent
        cursor += length
    return out


def render(
    script: Script, voice: Voice, seed: int = 0, level_dbfs: float = -26.0
) -> NDArray[np.float32]:
    """Synthesise `script` in `voice` at `SYNTH_RATE`; active speech at `level_dbfs` RMS."""
    rng = np.random.default_rng(seed)
    tracks = _tracks(script, voice, rng)
    excitation = _source(tracks["pitch"], voice, rng)
    envelope = np.repeat(tracks["voicing"], _BLOCK)
    voiced = _tract(excitation * envelope, tracks["formants"])
    voiced /= np.sqrt(np.mean(voiced**2)) + 1e-12
    signal = voiced + _noises(script, voice, voiced.size, rng) * 0.6
    active = np.abs(signal) > 1e-3 * np.max(np.abs(signal))
    rms = np.sqrt(np.mean(signal[active] ** 2)) if active.any() else 1.0
    return (signal * (10 ** (level_dbfs / 20) / rms)).astype(np.float32)
