"""Redaction leaves no detectable DTMF and keeps length, channels, rate and encoding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from callwarden.analysis import (
    RedactionIncomplete,
    Span,
    decode,
    detect_dtmf,
    from_array,
    redact_dtmf,
    redact_file,
    redact_spans,
    resample,
)
from callwarden.analysis.dtmf import DtmfSettings
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.tones import dial, overlay
from tests.support.corpus.voice import SYNTH_RATE

WriteAudio = Callable[..., Path]


def _call_with_card_number(corpus: Corpus, rate: int = 8000) -> np.ndarray:
    """Two channels: agent talking; caller keying a card number with echo on the agent leg."""
    talk = resample(np.concatenate(corpus.speech_pool[:3]), SYNTH_RATE, rate)
    keys, _ = dial("4111111111111111", rate=rate, lead_s=0.0)
    caller = overlay(np.zeros_like(talk), keys, 1.0, rate)
    agent = overlay(talk * 0.5, keys * 0.05, 1.0, rate)  # -26 dB echo of the keys
    return np.stack([agent, caller], axis=1)


@pytest.mark.parametrize("fill", ["silence", "tone"])
def test_redaction_leaves_no_keys_and_keeps_shape(corpus: Corpus, fill: str) -> None:
    audio = from_array(_call_with_card_number(corpus), 8000)
    assert "".join(p.digit for p in detect_dtmf(audio)).count("1") >= 15
    result = redact_dtmf(audio, fill=fill)  # type: ignore[arg-type]
    assert result.clean and result.residual == ()
    assert detect_dtmf(result.audio) == []
    assert detect_dtmf(result.audio, DtmfSettings(min_level_dbfs=-70.0)) == []
    assert result.audio.samples.shape == audio.samples.shape
    assert result.audio.sample_rate == audio.sample_rate
    assert len(result.removed) >= 16
    outside = np.ones(audio.frames, dtype=bool)
    for span in result.redacted:
        outside[int(span.start_s * 8000) : int(np.ceil(span.end_s * 8000))] = False
    assert np.array_equal(result.audio.samples[outside], audio.samples[outside])
    assert result.as_dict()["clean"] is True


@pytest.mark.parametrize(
    ("name", "subtype", "file_format", "rate"),
    [
        ("call.wav", "ULAW", None, 8000),
        ("call-alaw.wav", "ALAW", None, 8000),
        ("call-pcm.wav", "PCM_16", None, 16000),
        ("call.flac", "PCM_16", None, 8000),
        ("call.opus", "OPUS", "OGG", 16000),
    ],
)
def test_redacting_a_file_keeps_its_encoding(
    corpus: Corpus,
    write_audio: WriteAudio,
    tmp_path: Path,
    name: str,
    subtype: str,
    file_format: str | None,
    rate: int,
) -> None:
    source = write_audio(name, _call_with_card_number(corpus, rate), rate, subtype, file_format)
    original = decode(source)
    assert detect_dtmf(original)
    target = tmp_path / ("redacted-" + name)
    result = redact_file(source, target, fill="tone")
    redacted = decode(target)
    assert result.clean and detect_dtmf(redacted) == []
    assert (redacted.format, redacted.subtype) == (original.format, original.subtype)
    assert (redacted.channels, redacted.sample_rate) == (original.channels, original.sample_rate)
    assert abs(redacted.frames - original.frames) <= (0 if file_format is None else 960)
    assert not list(tmp_path.glob("*.partial"))


def test_explicit_spans_on_chosen_channels() -> None:
    samples = np.full((8000, 2), 0.25, dtype=np.float32)
    audio = from_array(samples, 8000)
    blanked = redact_spans(audio, [Span(0.25, 0.5)], channels=[1])
    assert np.all(blanked.samples[2000:4000, 1] == 0.0)
    assert np.all(blanked.samples[:, 0] == 0.25)
    assert np.all(blanked.samples[:1999, 1] == 0.25) and np.all(blanked.samples[4001:, 1] == 0.25)
    with pytest.raises(ValueError, match="channel 5"):
        redact_spans(audio, [Span(0.0, 0.1)], channels=[5])


def test_marker_tone_is_never_read_as_a_key() -> None:
    silent = from_array(np.zeros(16000, np.float32), 8000)
    toned = redact_spans(silent, [Span(0.1, 1.9)], fill="tone")
    assert np.max(np.abs(toned.samples)) > 0.05
    assert detect_dtmf(toned) == []


def test_unverifiable_redaction_writes_nothing(
    corpus: Corpus, write_audio: WriteAudio, tmp_path: Path
) -> None:
    source = write_audio("call.wav", _call_with_card_number(corpus), 8000, "ULAW")
    target = tmp_path / "out.wav"
    with pytest.raises(RedactionIncomplete):
        redact_file(source, target, pad_s=-0.03)  # spans shrunk inside the tones: keys survive
    assert not target.exists() and not list(tmp_path.glob("*.partial"))
