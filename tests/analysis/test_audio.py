"""Decoding (PCM, G.711, FLAC, Opus) and resampling; malformed audio is refused clearly."""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callwarden.analysis import decode, from_array, resample
from callwarden.analysis.audio import ANALYSIS_RATE, at_analysis_rate
from callwarden.kit.errors import InvalidInput, NotFound

WriteAudio = Callable[..., Path]

RNG = np.random.default_rng(1)
NOISE = (RNG.standard_normal((8000, 2)) * 0.1).astype(np.float32)


@pytest.mark.parametrize(
    ("name", "subtype", "file_format", "rate", "tolerance"),
    [
        ("pcm.wav", "PCM_16", None, 8000, 1e-4),
        ("ulaw.wav", "ULAW", None, 8000, 0.02),
        ("alaw.wav", "ALAW", None, 8000, 0.02),
        ("lossless.flac", "PCM_16", None, 16000, 1e-4),
        ("speech.opus", "OPUS", "OGG", 16000, None),
    ],
)
def test_decodes_every_recording_format(
    write_audio: WriteAudio,
    name: str,
    subtype: str,
    file_format: str | None,
    rate: int,
    tolerance: float | None,
) -> None:
    path = write_audio(name, NOISE, rate, subtype, file_format)
    audio = decode(path)
    assert audio.samples.dtype == np.float32
    assert audio.channels == 2 and audio.sample_rate == rate
    assert audio.subtype == subtype
    assert abs(audio.frames - NOISE.shape[0]) <= (0 if tolerance else 400)
    if tolerance is not None:
        assert np.max(np.abs(audio.samples - NOISE)) < tolerance


def test_decodes_bytes_and_streams() -> None:
    buffer = io.BytesIO()
    sf.write(buffer, NOISE, 8000, format="WAV", subtype="PCM_16")
    assert decode(buffer.getvalue()).frames == 8000
    assert decode(io.BytesIO(buffer.getvalue())).channels == 2


def test_resampling_keeps_a_tone_and_duration() -> None:
    time = np.arange(16000) / 16000
    tone = np.sin(2 * np.pi * 1000 * time).astype(np.float32)[:, None]
    down = resample(tone, 16000, ANALYSIS_RATE)
    assert down.shape == (8000, 1)
    spectrum = np.abs(np.fft.rfft(down[:, 0]))
    assert abs(np.argmax(spectrum) * ANALYSIS_RATE / 8000 - 1000) < 2
    assert at_analysis_rate(from_array(tone, 16000)).shape == (8000, 1)


def _wav_header(rate: int, channels: int, data_bytes: int = 8) -> bytes:
    block = channels * 2
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, channels, rate, rate * block, block, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
        + bytes(data_bytes)
    )


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"this is not audio at all, just a text file" * 10, "not readable audio"),
        (b"", "not readable audio"),
        (_wav_header(1, 1), "sample rate"),
        (_wav_header(2_000_000, 1), "sample rate"),
        (_wav_header(8000, 300, 600), "channels"),
        (_wav_header(8000, 1, 0), "no audio"),
    ],
)
def test_malformed_audio_is_refused_with_a_reason(payload: bytes, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode(payload)
    assert message in caught.value.detail


@pytest.mark.parametrize(
    ("subtype", "file_format"), [("PCM_16", "WAV"), ("ULAW", "WAV"), ("PCM_16", "FLAC")]
)
def test_truncated_files_are_refused(subtype: str, file_format: str) -> None:
    buffer = io.BytesIO()
    sf.write(buffer, NOISE, 8000, format=file_format, subtype=subtype)
    data = buffer.getvalue()
    with pytest.raises(InvalidInput, match=r"truncated|not readable"):
        decode(data[: len(data) // 2])


def test_missing_file_and_bad_arrays(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        decode(tmp_path / "nope.wav")
    with pytest.raises(InvalidInput, match="NaN"):
        from_array(np.array([0.0, np.nan, 0.1]), 8000)
    with pytest.raises(InvalidInput, match="dimensions"):
        from_array(np.zeros((2, 2, 2)), 8000)
    with pytest.raises(InvalidInput, match="sample rate"):
        from_array(np.zeros(100), 100)


def test_float_wav_with_nan_is_refused(write_audio: WriteAudio) -> None:
    broken = NOISE.copy()
    broken[10, 0] = np.nan
    path = write_audio("nan.wav", broken, subtype="FLOAT")
    with pytest.raises(InvalidInput, match="NaN"):
        decode(path)


def test_overlong_recordings_are_refused(write_audio: WriteAudio) -> None:
    path = write_audio("long.wav", NOISE, 8000)
    with pytest.raises(InvalidInput, match=r"more than the 0\.5 s allowed"):
        decode(path, max_seconds=0.5)
