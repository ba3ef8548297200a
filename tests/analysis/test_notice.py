"""Announcement detection across every telephone condition, and non-detection of look-alikes."""

from __future__ import annotations

import numpy as np
import pytest

from callwarden.analysis import Prompt, detect_notice, from_array, prepare_prompt
from callwarden.kit.errors import InvalidInput
from tests.support.corpus.espeak import EspeakCorpus
from tests.support.corpus.scenarios import CONDITIONS, TARGET_CONDITION, Corpus, Kind
from tests.support.corpus.voice import SYNTH_RATE

NEGATIVE_KINDS: tuple[Kind, ...] = ("other_announcement", "revised_announcement", "speech")


def _check(corpus: Corpus, prompts: list[Prompt], condition: str, trials: int) -> None:
    for index in range(trials):
        trial = corpus.trial(condition, "announcement", index)
        match = detect_notice(from_array(trial.samples, trial.rate), prompts[trial.prompt_index])
        assert match.detected, f"{condition} #{index}: missed (score {match.score:.3f})"
        assert match.channel == 0
        assert match.offset_s is not None and trial.offset_s is not None
        assert abs(match.offset_s - trial.offset_s) <= 0.05, f"{condition} #{index}: wrong place"
        for kind in NEGATIVE_KINDS:
            other = corpus.trial(condition, kind, index)
            miss = detect_notice(from_array(other.samples, other.rate), prompts[other.prompt_index])
            assert not miss.detected, f"{condition} #{index}: fired on {kind} ({miss.score:.3f})"
            assert miss.offset_s is None and miss.channel is None


@pytest.mark.parametrize("condition", list(CONDITIONS))
def test_detects_announcement_and_nothing_else(
    corpus: Corpus, prompts: list[Prompt], condition: str
) -> None:
    _check(corpus, prompts, condition, trials=2)


def test_target_condition_with_more_trials(corpus: Corpus, prompts: list[Prompt]) -> None:
    """G.711 + 300–3400 Hz + 10 dB SNR: the condition the issue sets a target for."""
    _check(corpus, prompts, TARGET_CONDITION, trials=8)


@pytest.mark.parametrize(
    "condition",
    ["clean_8k", "g711_alaw", "phone_ulaw_white_10dB", "overlap_speech", "clipped_0.5s"],
)
def test_espeak_voices(espeak_corpus: EspeakCorpus, condition: str) -> None:
    prompts = [
        prepare_prompt(from_array(audio, SYNTH_RATE), f"espeak{index}")
        for index, audio in enumerate(espeak_corpus.announcements)
    ]
    _check(espeak_corpus, prompts, condition, trials=2)


def test_finds_the_channel_that_carried_the_prompt(corpus: Corpus, prompts: list[Prompt]) -> None:
    played = corpus.trial("g711_ulaw", "announcement", 3)
    talk = corpus.trial("g711_ulaw", "speech", 3)
    length = min(played.samples.size, talk.samples.size)
    stereo = np.stack([talk.samples[:length], played.samples[:length]], axis=1)
    match = detect_notice(from_array(stereo, 8000), prompts[played.prompt_index])
    assert match.detected and match.channel == 1
    assert [item.channel for item in match.per_channel] == [0, 1]
    assert match.per_channel[1].score > match.per_channel[0].score
    assert not match.per_channel[0].detected


def test_search_window_limits_where_the_prompt_may_start(
    corpus: Corpus, prompts: list[Prompt]
) -> None:
    trial = corpus.trial("clean_8k", "announcement", 0)
    assert trial.offset_s is not None
    recording = from_array(trial.samples, trial.rate)
    prompt = prompts[trial.prompt_index]
    assert detect_notice(recording, prompt, latest_start_s=trial.offset_s + 1.0).detected
    late = np.concatenate([np.zeros(20 * 8000, np.float32), trial.samples])
    assert not detect_notice(from_array(late, 8000), prompt, latest_start_s=15.0).detected


def test_prompt_leading_silence_is_accounted_for(corpus: Corpus) -> None:
    announcement = corpus.announcements[0]
    padded = np.concatenate([np.zeros(SYNTH_RATE // 2, np.float32), announcement])
    prompt = prepare_prompt(from_array(padded, SYNTH_RATE))
    assert 0.4 < prompt.lead_s < 0.6
    recording = np.concatenate([np.zeros(3 * SYNTH_RATE, np.float32), padded])
    match = detect_notice(from_array(recording, SYNTH_RATE), prompt)
    assert match.detected and match.offset_s is not None
    assert abs(match.offset_s - 3.0) <= 0.05


def test_silent_or_empty_prompts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="silent"):
        prepare_prompt(from_array(np.zeros(16000, np.float32), 8000))
    click = np.zeros(16000, np.float32)
    click[100:120] = 0.5
    with pytest.raises(InvalidInput):
        prepare_prompt(from_array(click, 8000))


def test_recording_shorter_than_a_chunk_is_simply_not_a_match(prompts: list[Prompt]) -> None:
    match = detect_notice(from_array(np.zeros(400, np.float32) + 0.01, 8000), prompts[0])
    assert not match.detected and match.score == 0.0


def test_pauses_inside_the_prompt_do_not_count_against_it(corpus: Corpus) -> None:
    announcement = corpus.announcements[2]
    half = announcement.size // 2
    pause = np.zeros(2 * SYNTH_RATE, np.float32)
    paused = np.concatenate([announcement[:half], pause, announcement[half:]])
    prompt = prepare_prompt(from_array(paused, SYNTH_RATE))
    rng = np.random.default_rng(9)
    noisy = (
        np.concatenate([np.zeros(SYNTH_RATE, np.float32), paused])
        + rng.standard_normal(paused.size + SYNTH_RATE).astype(np.float32) * 0.005
    )
    match = detect_notice(from_array(noisy, SYNTH_RATE), prompt)
    assert match.detected and match.offset_s is not None and abs(match.offset_s - 1.0) <= 0.05


def test_recording_that_starts_mid_prompt_gives_a_negative_offset(
    corpus: Corpus, prompts: list[Prompt]
) -> None:
    """The phone system started the prompt half a second before the recorder started."""
    announcement = corpus.announcements[1]
    late_start = np.concatenate([announcement[SYNTH_RATE // 2 :], corpus.speech_pool[3]])
    match = detect_notice(from_array(late_start, SYNTH_RATE), prompts[1])
    assert match.detected and match.offset_s is not None
    assert abs(match.offset_s + 0.5) <= 0.05
