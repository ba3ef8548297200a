"""Speech, silence and dead-air spans from the energy detector."""

from __future__ import annotations

import numpy as np

from callwarden.analysis import SpeechSettings, detect_speech, from_array, resample
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.tones import music
from tests.support.corpus.voice import SYNTH_RATE


def _utterance(corpus: Corpus, index: int = 0) -> np.ndarray:
    return resample(corpus.speech_pool[index], SYNTH_RATE, 8000)


def test_speech_span_covers_the_utterance(corpus: Corpus) -> None:
    words = _utterance(corpus)
    signal = np.concatenate([np.zeros(16000, np.float32), words, np.zeros(24000, np.float32)])
    rng = np.random.default_rng(0)
    signal = signal + rng.standard_normal(signal.size).astype(np.float32) * 1e-4  # line hiss
    report = detect_speech(from_array(signal, 8000))
    channel = report.channels[0]
    start, end = 2.0, 2.0 + words.size / 8000
    assert channel.speech[0].start_s <= start + 0.1
    assert abs(channel.speech[0].start_s - start) < 0.15
    assert abs(channel.speech[-1].end_s - end) < 0.4
    assert channel.silence[0].start_s == 0.0 and channel.silence[0].end_s >= 1.9
    covered = sum(span.duration_s for span in channel.speech) + sum(
        span.duration_s for span in channel.silence
    )
    assert abs(covered - report.duration_s) < 1e-6
    assert report.dead_air == ()


def test_dead_air_needs_every_channel_silent(corpus: Corpus) -> None:
    words = _utterance(corpus, 1)
    gap = np.zeros(12 * 8000, np.float32)
    left = np.concatenate([words, gap, words])
    right = np.concatenate([words, gap, words])
    report = detect_speech(from_array(np.stack([left, right], axis=1), 8000))
    assert len(report.dead_air) == 1
    assert 11.0 < report.dead_air[0].duration_s < 13.0  # the words have pauses of their own
    talking = right.copy()
    talking[words.size + 4 * 8000 : words.size + 4 * 8000 + words.size] = words
    report = detect_speech(from_array(np.stack([left, talking], axis=1), 8000))
    assert report.dead_air == ()


def test_dead_air_threshold_is_a_setting(corpus: Corpus) -> None:
    words = _utterance(corpus, 2)
    signal = np.concatenate([words, np.zeros(6 * 8000, np.float32), words])
    assert detect_speech(from_array(signal, 8000)).dead_air == ()
    short = detect_speech(from_array(signal, 8000), SpeechSettings(dead_air_s=5.0))
    assert len(short.dead_air) == 1 and short.dead_air_threshold_s == 5.0


def test_steady_noise_alone_is_silence_not_speech() -> None:
    rng = np.random.default_rng(4)
    hiss = (rng.standard_normal(15 * 8000) * 0.01).astype(np.float32)
    report = detect_speech(from_array(hiss, 8000))
    assert report.channels[0].speech == ()
    assert len(report.dead_air) == 1 and report.dead_air[0].duration_s == 15.0
    digital_silence = detect_speech(from_array(np.zeros(8000, np.float32), 8000))
    assert digital_silence.channels[0].speech == ()


def test_report_serialises(corpus: Corpus) -> None:
    report = detect_speech(from_array(_utterance(corpus), 8000))
    document = report.as_dict()
    assert document["channels"][0]["speech"][0].keys() == {"start_s", "end_s"}
    assert document["dead_air_threshold_s"] == 10.0


def test_continuous_music_is_activity_not_dead_air() -> None:
    tunes = music(30.0, np.random.default_rng(2), level_dbfs=-20.0)
    silent = np.zeros_like(tunes)
    report = detect_speech(from_array(np.stack([tunes, silent], axis=1), 8000))
    assert report.dead_air == ()
    assert report.channels[0].speech_s > 25.0
