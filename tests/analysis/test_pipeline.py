"""The whole-recording analysis the background job will call."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from callwarden.analysis import Prompt, analyse_recording, from_array, resample
from callwarden.kit.errors import InvalidInput
from tests.support.corpus.channel import band_limit
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.tones import dial, overlay
from tests.support.corpus.voice import SYNTH_RATE

WriteAudio = Callable[..., Path]


def _call(corpus: Corpus) -> np.ndarray:
    """Agent: announcement at 1.5 s then talk; caller: talk, keys at 12.5 s; then 12 s of nothing."""
    to8k = [
        resample(x, SYNTH_RATE, 8000) for x in (corpus.announcements[1], *corpus.speech_pool[:4])
    ]
    agent = np.concatenate([np.zeros(12000, np.float32), to8k[0], to8k[1]])
    caller = np.zeros_like(agent)
    caller = overlay(caller, to8k[2], 9.0)
    caller = overlay(caller, dial("1#", lead_s=0.0)[0], 12.5)
    stereo = np.stack([band_limit(agent, 8000), band_limit(caller, 8000)], axis=1)
    return np.concatenate([stereo, np.zeros((12 * 8000, 2), np.float32)])  # the line goes dead


def test_analyses_a_recording_file(
    corpus: Corpus, prompts: list[Prompt], write_audio: WriteAudio
) -> None:
    path = write_audio("call.wav", _call(corpus), 8000, "ULAW")
    result = analyse_recording(path, {"v2/en": prompts[1], "v1/en": prompts[0]})
    played, absent = result.notices["v2/en"], result.notices["v1/en"]
    assert played.detected and played.channel == 0
    assert played.offset_s is not None and abs(played.offset_s - 1.5) <= 0.05
    assert not absent.detected
    assert [(p.digit, p.channel) for p in result.keypresses] == [("1", 1), ("#", 1)]
    assert abs(result.keypresses[0].start_s - 12.5) <= 0.01
    assert result.channels == 2 and result.sample_rate == 8000 and result.subtype == "ULAW"
    assert len(result.speech.dead_air) == 1 and result.speech.dead_air[0].duration_s > 10.0
    document = json.loads(json.dumps(result.as_dict()))
    assert document["notices"]["v2/en"]["detected"] is True
    assert document["digits"][0] == {
        "digit": "1",
        "start_s": pytest.approx(12.5, abs=0.01),
        "end_s": pytest.approx(12.58, abs=0.01),
        "channel": 1,
    }


def test_accepts_arrays_and_raw_prompt_audio(corpus: Corpus) -> None:
    samples = _call(corpus)
    prompt = from_array(corpus.announcements[1], SYNTH_RATE)
    result = analyse_recording(
        samples, {"raw": prompt}, sample_rate=8000, notice_latest_start_s=15.0
    )
    assert result.notices["raw"].detected
    assert analyse_recording(samples, sample_rate=8000).notices == {}
    with pytest.raises(InvalidInput, match="sample_rate"):
        analyse_recording(samples)
