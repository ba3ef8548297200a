"""Reproducible test calls for the announcement detector, one impairment at a time or combined.

A `Corpus` owns a company's announcements (several script versions, in English and Spanish, all
in the same synthetic voice, as one text-to-speech voice would read them) and a pool of ordinary
speech from many voices. `Corpus.trial` composes a call — a lead-in, then either the announcement,
a *different* announcement in the same voice, or ordinary speech, then the other party talking —
and puts it through a `Condition`. Every random choice derives from (corpus seed, condition,
kind, index), so trial 17 of a condition is the same audio on every machine and every run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from tests.support.corpus import channel
from tests.support.corpus.phones import make_script
from tests.support.corpus.voice import SYNTH_RATE, Voice, random_voice, render

Kind = Literal["announcement", "other_announcement", "revised_announcement", "speech"]
Signal = NDArray[np.float32]


@dataclass(frozen=True)
class Condition:
    """One telephone-path impairment (or a combination); defaults mean "untouched, 8 kHz"."""

    rate: int = 8000
    codec: str | None = None
    band_limit: bool = False
    gain_db: float = 0.0
    noise: str | None = None  # "white" or "babble"
    snr_db: float = 10.0
    overlap: bool = False  # the other party talks over part of the announcement, same level
    clip_s: float = 0.0  # the announcement's first seconds are missing
    loss: float = 0.0  # probability of losing each 20 ms packet


CONDITIONS: dict[str, Condition] = {
    "clean_8k": Condition(),
    "clean_16k": Condition(rate=16000),
    "g711_ulaw": Condition(codec="ulaw"),
    "g711_alaw": Condition(codec="alaw"),
    "band_300_3400": Condition(band_limit=True),
    "gain_+12dB": Condition(gain_db=12.0),
    "gain_-12dB": Condition(gain_db=-12.0),
    "white_10dB": Condition(noise="white"),
    "babble_10dB": Condition(noise="babble"),
    "overlap_speech": Condition(overlap=True),
    "clipped_0.5s": Condition(clip_s=0.5),
    "loss_2pct_20ms": Condition(loss=0.02),
    "phone_ulaw_white_10dB": Condition(codec="ulaw", band_limit=True, noise="white"),
    "phone_alaw_babble_10dB": Condition(codec="alaw", band_limit=True, noise="babble"),
    "phone_16k_everything": Condition(
        rate=16000,
        codec="ulaw",
        band_limit=True,
        gain_db=-12.0,
        noise="babble",
        overlap=True,
        clip_s=0.5,
        loss=0.02,
    ),
    "phone_8k_everything": Condition(
        codec="alaw",
        band_limit=True,
        gain_db=12.0,
        noise="white",
        overlap=True,
        clip_s=0.5,
        loss=0.02,
    ),
}
TARGET_CONDITION = "phone_ulaw_white_10dB"


@dataclass(frozen=True)
class Trial:
    """One synthetic call and the truth about it."""

    samples: Signal  # mono, at `rate`
    rate: int
    kind: Kind
    prompt_index: int  # the announcement the detector is asked to look for
    offset_s: float | None  # true start of that announcement's file, when it was played


class Corpus:
    """Announcements plus a pool of ordinary speech, all synthesised from fixed seeds."""

    def __init__(self, seed: int = 2024, scripts: int = 6, prompt_s: float = 6.0, pool: int = 48):
        self.seed = seed
        self.script_count = scripts
        self.prompt_s = prompt_s
        self.pool_size = pool
        self.voice = Voice(pitch_hz=175.0, formant_scale=1.12, tempo=1.0, breathiness=0.03)

    def _rng(self, *parts: object) -> np.random.Generator:
        key = zlib.crc32(repr((self.seed, *parts)).encode())
        return np.random.default_rng(key)

    @cached_property
    def announcements(self) -> list[Signal]:
        """Script versions: even indices English, odd indices Spanish, one shared voice."""
        out = []
        for index in range(self.script_count):
            language = "en" if index % 2 == 0 else "es"
            script = make_script(self.seed * 1000 + index, language, self.prompt_s)
            out.append(render(script, self.voice, seed=index))
        return out

    @cached_property
    def speech_pool(self) -> list[Signal]:
        """Ordinary speech: many voices, languages and lengths (2–6 s)."""
        out = []
        for index in range(self.pool_size):
            rng = self._rng("pool", index)
            voice = self.voice if index % 8 == 0 else random_voice(rng)
            language = ("en", "es", "de")[index % 3]
            script = make_script(self.seed * 7919 + index, language, float(rng.uniform(2, 6)))
            out.append(render(script, voice, seed=10_000 + index))
        return out

    def talk(self, rng: np.random.Generator, seconds: float) -> Signal:
        """`seconds` of ordinary conversation: pool utterances at varied levels, with gaps."""
        parts: list[Signal] = []
        total = 0
        while total < seconds * SYNTH_RATE:
            piece = self.speech_pool[int(rng.integers(len(self.speech_pool)))]
            gap = np.zeros(int(rng.uniform(0.2, 0.8) * SYNTH_RATE), dtype=np.float32)
            parts += [piece * np.float32(10 ** (rng.uniform(-4, 4) / 20)), gap]
            total += piece.size + gap.size
        return np.concatenate(parts)[: int(seconds * SYNTH_RATE)]

    def babble(self, rng: np.random.Generator, length: int) -> Signal:
        """Six talkers at once: the noise of a busy contact centre floor."""
        out = np.zeros(length, dtype=np.float32)
        for _ in range(6):
            out += self.talk(rng, length / SYNTH_RATE + 1.0)[:length]
        return out

    def trial(self, condition: str, kind: Kind, index: int) -> Trial:
        """Compose and impair one call; same arguments, same samples."""
        setting = CONDITIONS[condition]
        rng = self._rng(condition, kind, index)
        target = int(rng.integers(self.script_count))
        if kind == "announcement":
            middle = self.announcements[target]
        elif kind in ("other_announcement", "revised_announcement"):
            other = (target + 1 + int(rng.integers(self.script_count - 1))) % self.script_count
            middle = self.announcements[other]
            if kind == "revised_announcement":  # a new version keeping the old first half
                half = self.announcements[target].size // 2
                middle = np.concatenate([self.announcements[target][:half], middle[half:]])
        else:
            middle = self.talk(rng, float(rng.uniform(4.0, 8.0)))
        clip = int(setting.clip_s * SYNTH_RATE)
        middle = middle[clip:]
        lead_s = float(rng.uniform(0.3, 6.0))
        lead = np.zeros(int(lead_s * SYNTH_RATE), dtype=np.float32)
        if rng.random() < 0.5:  # someone speaks before the announcement
            words = self.talk(rng, float(rng.uniform(0.2, lead_s)))
            lead[: words.size] = words
        tail = self.talk(rng, float(rng.uniform(3.0, 6.0)))
        signal = np.concatenate([lead, middle, tail])
        if setting.overlap:
            length = int(0.4 * middle.size)
            start = lead.size + int(rng.integers(0, middle.size - length))
            signal[start : start + length] += self.talk(rng, length / SYNTH_RATE)[:length]
        reference = channel.active_rms(channel.band_limit(middle, SYNTH_RATE), SYNTH_RATE)
        if setting.noise == "white":
            noise = channel.white_noise(signal.size, rng)
            signal = channel.add_noise(signal, noise, setting.snr_db, reference, SYNTH_RATE)
        elif setting.noise == "babble":
            babble = self.babble(rng, signal.size)
            signal = channel.add_noise(signal, babble, setting.snr_db, reference, SYNTH_RATE)
        if setting.band_limit:
            signal = channel.band_limit(signal, SYNTH_RATE)
        signal = channel.gain(signal, setting.gain_db)
        signal = np.clip(channel.to_rate(signal, SYNTH_RATE, setting.rate), -1.0, 1.0)
        if setting.codec:
            signal = channel.compand(signal, setting.codec)
        if setting.loss:
            signal = channel.packet_loss(signal, setting.rate, rng, setting.loss)
        offset = lead_s - setting.clip_s if kind == "announcement" else None
        return Trial(signal.astype(np.float32), setting.rate, kind, target, offset)
