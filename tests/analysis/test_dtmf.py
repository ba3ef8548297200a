"""DTMF: every key with its timing, Q.24 acceptance and rejection limits, no talk-off."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.analysis import DtmfSettings, detect_dtmf, from_array, resample
from tests.support.corpus.channel import band_limit, compand, gain
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.tones import dial, dtmf_tone, music, overlay
from tests.support.corpus.voice import SYNTH_RATE

ALL_KEYS = "0123456789*#ABCD"


def _digits(samples: np.ndarray, rate: int = 8000) -> str:
    return "".join(press.digit for press in detect_dtmf(from_array(samples, rate)))


def test_every_key_is_decoded_with_its_timing() -> None:
    signal, presses = dial(ALL_KEYS, tone_s=0.06, pause_s=0.06)
    found = detect_dtmf(from_array(signal, 8000))
    assert [press.digit for press in found] == list(ALL_KEYS)
    for truth, press in zip(presses, found, strict=True):
        assert abs(press.start_s - truth.start_s) <= 0.01
        assert abs(press.end_s - truth.end_s) <= 0.01
        assert press.channel == 0
        assert press.as_dict()["digit"] == truth.digit


@pytest.mark.parametrize("impairment", ["ulaw", "alaw", "band", "quiet", "16k"])
def test_keys_survive_the_telephone_path(impairment: str) -> None:
    signal, _ = dial(ALL_KEYS)
    rate = 8000
    if impairment in ("ulaw", "alaw"):
        signal = compand(signal, impairment)
    elif impairment == "band":
        signal = compand(band_limit(signal, 8000), "ulaw")
    elif impairment == "quiet":
        signal = compand(gain(signal, -12.0), "alaw")
    else:
        signal, _ = dial(ALL_KEYS, rate=16000)
        rate = 16000
    assert _digits(signal, rate) == ALL_KEYS


@pytest.mark.parametrize("deviation", [0.015, -0.015])
def test_frequency_within_one_and_a_half_percent_is_accepted(deviation: float) -> None:
    signal, _ = dial(ALL_KEYS, deviation=deviation)
    assert _digits(signal) == ALL_KEYS


@pytest.mark.parametrize("deviation", [0.035, -0.035, 0.05])
def test_frequency_off_by_three_and_a_half_percent_is_rejected(deviation: float) -> None:
    signal, _ = dial(ALL_KEYS, deviation=deviation)
    assert _digits(signal) == ""


@pytest.mark.parametrize("twist", [4.0, 0.0, -4.0, -8.0])
def test_twist_within_limits_is_accepted(twist: float) -> None:
    signal, _ = dial(ALL_KEYS, twist_db=twist)
    assert _digits(signal) == ALL_KEYS


@pytest.mark.parametrize("twist", [6.0, 8.0, -10.0, -14.0])
def test_excessive_twist_is_rejected(twist: float) -> None:
    signal, _ = dial(ALL_KEYS, twist_db=twist)
    assert _digits(signal) == ""


def test_duration_limits() -> None:
    accepted, _ = dial(ALL_KEYS, tone_s=0.04, pause_s=0.04)
    assert _digits(accepted) == ALL_KEYS
    rejected, _ = dial(ALL_KEYS, tone_s=0.02, pause_s=0.04)
    assert _digits(rejected) == ""


def test_pauses_split_keys_and_short_dropouts_do_not() -> None:
    repeated, _ = dial("5555", tone_s=0.06, pause_s=0.04)
    assert _digits(repeated) == "5555"
    held, _ = dial("7", tone_s=0.12, lead_s=0.5)
    held[int(0.55 * 8000) : int(0.57 * 8000)] = 0.0  # one lost 20 ms packet
    found = detect_dtmf(from_array(held, 8000))
    assert [press.digit for press in found] == ["7"]
    assert abs(found[0].end_s - found[0].start_s - 0.12) <= 0.01


def test_too_quiet_tones_are_ignored() -> None:
    signal, _ = dial("123", level_dbfs=-50.0)
    assert _digits(signal) == ""
    loose = DtmfSettings(min_level_dbfs=-60.0)
    assert "".join(p.digit for p in detect_dtmf(from_array(signal, 8000), loose)) == "123"


def test_speech_is_not_mistaken_for_keys(corpus: Corpus) -> None:
    speech = np.concatenate(corpus.speech_pool)
    narrow = compand(band_limit(resample(speech, SYNTH_RATE, 8000), 8000), "ulaw")
    assert narrow.size > 60 * 8000
    assert _digits(narrow) == ""


def test_music_is_not_mistaken_for_keys() -> None:
    tunes = music(60.0, np.random.default_rng(3))
    assert _digits(tunes) == ""
    assert _digits(compand(band_limit(tunes, 8000), "alaw")) == ""


def test_single_tones_and_three_tone_chords_are_not_keys() -> None:
    time = np.arange(8000) / 8000
    single = 0.3 * np.sin(2 * np.pi * 697 * time)
    chord = single + 0.3 * np.sin(2 * np.pi * 1209 * time) + 0.3 * np.sin(2 * np.pi * 1477 * time)
    assert _digits(single.astype(np.float32)) == ""
    assert _digits(chord.astype(np.float32)) == ""


def test_keys_are_attributed_to_their_channel() -> None:
    keys, _ = dial("42", lead_s=0.3)
    quiet = np.zeros_like(keys)
    stereo = np.stack([quiet, keys], axis=1)
    found = detect_dtmf(from_array(stereo, 8000))
    assert [(press.digit, press.channel) for press in found] == [("4", 1), ("2", 1)]


def test_keys_over_speech_on_the_other_channel(corpus: Corpus) -> None:
    talk = resample(corpus.speech_pool[0], SYNTH_RATE, 8000)
    caller = overlay(np.zeros_like(talk), dtmf_tone("9", 0.08), 1.0)
    found = detect_dtmf(from_array(np.stack([talk, caller], axis=1), 8000))
    assert [(press.digit, press.channel) for press in found] == [("9", 1)]
