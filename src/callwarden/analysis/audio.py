"""Reading recordings into arrays, refusing anything that is not sound audio, and resampling.

Every detector works on float32 arrays shaped (frames, channels) at one analysis rate. Recordings
arrive as WAV (PCM, µ-law, A-law), FLAC or Ogg (Opus, Vorbis) at whatever rate the phone system
used; `decode` reads them through libsndfile (via soundfile) and turns every way a file can be
wrong — not audio at all, cut short, an absurd header — into one `InvalidInput` with a sentence a
person can act on, never a stack trace. `resample` uses a polyphase filter (scipy
`resample_poly`), which is exact for the integer ratios telephony uses (16 kHz → 8 kHz).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soundfile as sf
from numpy.typing import NDArray
from scipy.signal import resample_poly

from callwarden.kit.errors import InvalidInput, NotFound

ANALYSIS_RATE = 8000
"""Telephony carries 300–3400 Hz, so 8 kHz keeps everything the detectors need."""

MIN_RATE, MAX_RATE = 4000, 192000
MAX_CHANNELS = 16
DEFAULT_MAX_SECONDS = 6 * 3600.0
MAX_SAMPLES = 2**29  # 2 GiB as float32: 9 hours of 8 kHz stereo, 1.5 hours of 48 kHz stereo
ACCEPTED_FORMATS = frozenset(
    {"WAV", "WAVEX", "RF64", "W64", "FLAC", "OGG", "AIFF", "AU", "CAF", "MP3"}
)

Source = str | Path | bytes | BinaryIO
Samples = NDArray[np.float32]

_WAV_SHORT = re.compile(r"data : (\d+) \(should be (\d+)\)")


@dataclass(frozen=True)
class Audio:
    """Decoded audio: float32 samples shaped (frames, channels), with where they came from.

    `format` and `subtype` are libsndfile's names (e.g. "WAV"/"ULAW"); they are kept so that a
    redacted copy can be written back in exactly the encoding the original had.
    """

    samples: Samples
    sample_rate: int
    format: str = "WAV"
    subtype: str = "FLOAT"

    @property
    def channels(self) -> int:
        return int(self.samples.shape[1])

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate


def from_array(samples: NDArray[np.floating], sample_rate: int) -> Audio:
    """Wrap an in-memory array (1-D mono or frames × channels), checking it like a file."""
    array = np.asarray(samples, dtype=np.float32)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise InvalidInput(f"audio array must be 1-D or 2-D, got {array.ndim} dimensions")
    _check_shape(int(sample_rate), array.shape[1], array.shape[0], DEFAULT_MAX_SECONDS)
    if not np.all(np.isfinite(array)):
        raise InvalidInput("audio contains NaN or infinite samples")
    return Audio(np.ascontiguousarray(array), int(sample_rate))


def _check_shape(rate: int, channels: int, frames: int, max_seconds: float) -> None:
    if not MIN_RATE <= rate <= MAX_RATE:
        raise InvalidInput(
            f"sample rate {rate} Hz is not plausible audio (expected {MIN_RATE}–{MAX_RATE} Hz)"
        )
    if not 1 <= channels <= MAX_CHANNELS:
        raise InvalidInput(f"{channels} channels is not plausible (expected 1–{MAX_CHANNELS})")
    if frames <= 0:
        raise InvalidInput("the file contains no audio samples")
    if frames / rate > max_seconds:
        raise InvalidInput(
            f"recording lasts {frames / rate:.0f} s, more than the {max_seconds:g} s allowed"
        )
    if frames * channels > MAX_SAMPLES:
        raise InvalidInput(
            f"recording holds {frames * channels} samples, more than the {MAX_SAMPLES} "
            "this analysis decodes in memory"
        )


def _open(source: Source) -> tuple[BinaryIO | str, str]:
    if isinstance(source, bytes):
        return io.BytesIO(source), "the uploaded audio"
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise NotFound(f"no such audio file: {path}")
        return str(path), str(path)
    return source, "the audio stream"


def _check_truncation(extra: str, label: str) -> None:
    """libsndfile reads a cut-short WAV silently; its log says so, and we refuse it."""
    match = _WAV_SHORT.search(extra)
    if match:
        declared, present = int(match.group(1)), int(match.group(2))
        placeholder = declared in (0, 0xFFFFFFFF, 0x7FFFFFFF) or declared >= 0xFFFFFF00
        if declared > present and not placeholder:
            raise InvalidInput(
                f"{label} is truncated: its header declares {declared} bytes of audio "
                f"but only {present} are present"
            )
    if "File ended unexpectedly" in extra:
        raise InvalidInput(f"{label} is truncated: the Ogg stream ends before its last page")


def decode(source: Source, *, max_seconds: float = DEFAULT_MAX_SECONDS) -> Audio:
    """Read a recording into float32 (frames × channels), or raise `InvalidInput` saying why not.

    `source` is a path, the file's bytes, or a seekable binary stream.
    """
    handle, label = _open(source)
    try:
        info = sf.info(handle)
        if not isinstance(handle, str):
            handle.seek(0)
        _check_shape(int(info.samplerate), int(info.channels), int(info.frames), max_seconds)
        if info.format not in ACCEPTED_FORMATS:
            raise InvalidInput(f"{label} is {info.format_info}, not a recording format we accept")
        _check_truncation(str(info.extra_info or ""), label)
        samples, rate = sf.read(handle, dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError, EOFError) as error:
        message = str(error).split(": ", 1)[-1] if ": " in str(error) else str(error)
        raise InvalidInput(f"{label} is not readable audio: {message}") from None
    if samples.shape[0] < int(info.frames) * 0.999:
        raise InvalidInput(
            f"{label} is truncated: header promises {info.frames} frames, "
            f"only {samples.shape[0]} could be read"
        )
    if not np.all(np.isfinite(samples)):
        raise InvalidInput(f"{label} contains NaN or infinite samples")
    return Audio(np.ascontiguousarray(samples), int(rate), str(info.format), str(info.subtype))


def resample(samples: Samples, from_rate: int, to_rate: int) -> Samples:
    """Resample along the first axis with a polyphase anti-aliasing filter."""
    if from_rate == to_rate:
        return np.asarray(samples, dtype=np.float32)
    divisor = gcd(int(from_rate), int(to_rate))
    out = resample_poly(samples, to_rate // divisor, from_rate // divisor, axis=0)
    return np.asarray(out, dtype=np.float32)


def at_analysis_rate(audio: Audio) -> Samples:
    """The recording at `ANALYSIS_RATE`, (frames × channels) float32."""
    return resample(audio.samples, audio.sample_rate, ANALYSIS_RATE)


def write(audio: Audio, destination: str | Path | BinaryIO) -> None:
    """Write in the audio's own format and subtype, so a redacted copy matches its original."""
    try:
        sf.write(
            destination,
            audio.samples,
            audio.sample_rate,
            format=audio.format,
            subtype=audio.subtype,
        )
    except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise InvalidInput(
            f"cannot write {audio.format}/{audio.subtype} at {audio.sample_rate} Hz: {error}"
        ) from None
