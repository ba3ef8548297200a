"""Synthetic telephone sounds: speech from espeak-ng when installed, keypad tones, and stand-ins.

The demo needs audio the product's own checks can hear (a notice the announcement detector
matches, keypresses the DTMF detector finds) without shipping a single recording. The test
corpus (`tests/support/corpus/`) builds its trials on the same functions, so the demo's audio is
the kind the detectors are tested against. Pure: numpy and soundfile, no database.

Without espeak-ng (Debian package `espeak-ng`) the notice becomes a fixed melody per script and
speech becomes voiced bursts with a syllable rhythm: not intelligible, but the detectors and the
waveform picture treat them as they treat the real thing.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import soundfile as sf
from numpy.typing import NDArray

from callwarden.analysis.audio import resample
from callwarden.analysis.dtmf import HIGH_GROUP, KEYPAD, LOW_GROUP

Signal = NDArray[np.float32]
RATE = 8000  # the network rate every demo recording uses


def espeak_available() -> bool:
    return shutil.which("espeak-ng") is not None


@cache
def speak(
    text: str, voice: str = "en-us", words_per_minute: int = 160
) -> tuple[NDArray[np.float32], int]:
    """Mono float32 samples and their rate for `text` spoken by espeak-ng."""
    executable = shutil.which("espeak-ng")
    if executable is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    # The arguments are a list (no shell) and the text is ours: the policy's scripts.
    completed = subprocess.run(  # noqa: S603
        [executable, "-v", voice, "-s", str(words_per_minute), "--stdout", text],
        capture_output=True,
        check=True,
        timeout=60,
    )
    samples, rate = sf.read(io.BytesIO(completed.stdout), dtype="float32", always_2d=True)
    return np.ascontiguousarray(samples[:, 0]), int(rate)


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
    rate: int = RATE,
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
    rate: int = RATE,
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


def overlay(base: Signal, addition: Signal, at_s: float, rate: int = RATE) -> Signal:
    """`base` with `addition` mixed in from `at_s` seconds (truncated at the end of `base`)."""
    out = np.array(base, dtype=np.float32)
    start = int(at_s * rate)
    piece = addition[: max(0, out.size - start)]
    out[start : start + piece.size] += piece
    return out


def _level(signal: Signal, dbfs: float) -> Signal:
    rms = float(np.sqrt(np.mean(signal**2))) + 1e-12
    return np.asarray(signal * (10 ** (dbfs / 20) / rms), dtype=np.float32)


def _seed(text: str) -> int:
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@cache
def spoken(
    text: str, voice: str, words_per_minute: int = 160, speech: bool | None = None
) -> Signal:
    """`text` at the network rate, at a talker's level: espeak-ng's voice (`speech`; by
    default when it is installed), else a stand-in."""
    if espeak_available() if speech is None else speech:
        samples, rate = speak(text, voice, words_per_minute)
        return _level(resample(samples, rate, RATE), -20.0)
    return _voiced_bursts(text, voice)


def _voiced_bursts(text: str, voice: str) -> Signal:
    """Harmonic bursts, one per syllable-sized piece of `text`, at a pitch set by the voice."""
    rng = np.random.default_rng(_seed(voice + text))
    pitch = 110.0 + (_seed(voice) % 120)
    parts: list[Signal] = []
    for _ in range(max(3, len(text) // 4)):
        length = float(rng.uniform(0.12, 0.25))
        time = np.arange(int(length * RATE)) / RATE
        f0 = pitch * float(rng.uniform(0.85, 1.2))
        burst = sum(0.6**h * np.sin(2 * np.pi * f0 * (h + 1) * time) for h in range(6))
        envelope = np.sin(np.pi * time / length) ** 2
        parts.append(np.asarray(burst * envelope, dtype=np.float32))
        if rng.random() < 0.25:
            parts.append(np.zeros(int(rng.uniform(0.08, 0.2) * RATE), dtype=np.float32))
    return _level(np.concatenate(parts), -20.0)


def announcement(script_id: str, text: str, voice: str, speech: bool | None = None) -> Signal:
    """The prompt a phone system plays for a notice script: spoken (`speech`; by default when
    espeak-ng is installed), else a melody of its own.

    The melody is derived from the script id, so each script version sounds different and the
    same version sounds the same on every call, as a prompt file does.
    """
    if espeak_available() if speech is None else speech:
        return spoken(text, voice, 165, speech=True)
    rng = np.random.default_rng(_seed(script_id))
    notes: list[Signal] = []
    for _ in range(24):
        length = float(rng.uniform(0.18, 0.4))
        time = np.arange(int(length * RATE)) / RATE
        frequency = 330.0 * 2 ** (int(rng.integers(0, 19)) / 12)
        note = np.sin(2 * np.pi * frequency * time) + 0.4 * np.sin(4 * np.pi * frequency * time)
        envelope = np.minimum(1.0, time / 0.01) * np.exp(-time * 3.0)
        notes.append(np.asarray(note * envelope, dtype=np.float32))
    return _level(np.concatenate(notes), -20.0)


def encode_flac(samples: Signal, rate: int = RATE) -> bytes:
    """Samples (frames × channels) as a FLAC file, the lossless format phone recorders offer."""
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(samples, -1.0, 1.0), rate, format="FLAC", subtype="PCM_16")
    return buffer.getvalue()


def mix(clips: Sequence[tuple[int, float, Signal]], seconds: float, channels: int = 2) -> Signal:
    """The recording: each (channel, start in seconds, samples) clip laid on silence."""
    out = np.zeros((max(1, round(seconds * RATE)), channels), dtype=np.float32)
    for channel, at_s, samples in clips:
        out[:, channel] = overlay(out[:, channel], samples, at_s)
    return out
