"""Shared fixtures for the audio analysis tests: one synthetic corpus per session, file helpers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callwarden.analysis import Prompt, from_array, prepare_prompt
from tests.support.corpus import espeak
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.voice import SYNTH_RATE

WriteAudio = Callable[..., Path]


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return Corpus(seed=7, scripts=4, pool=24)


@pytest.fixture(scope="session")
def prompts(corpus: Corpus) -> list[Prompt]:
    return [
        prepare_prompt(from_array(audio, SYNTH_RATE), f"script{index}")
        for index, audio in enumerate(corpus.announcements)
    ]


@pytest.fixture(scope="session")
def espeak_corpus() -> espeak.EspeakCorpus:
    if not espeak.available():
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng); espeak cases skipped")
    return espeak.EspeakCorpus(seed=7)


@pytest.fixture
def write_audio(tmp_path: Path) -> WriteAudio:
    """Write samples to a file in tmp_path with a chosen format and subtype; return its path."""

    def write(
        name: str,
        samples: np.ndarray,
        rate: int = 8000,
        subtype: str = "PCM_16",
        file_format: str | None = None,
    ) -> Path:
        path = tmp_path / name
        sf.write(path, np.clip(samples, -1.0, 1.0), rate, subtype=subtype, format=file_format)
        return path

    return write
