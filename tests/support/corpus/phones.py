"""Phone inventories and reproducible "scripts" for the speech-like synthesiser.

A script is a sequence of phones drawn from a language's inventory by a seeded generator, so
script version 1 and version 2 (different seeds) or the Spanish text (a different inventory and
rhythm) are genuinely different signals, while the same seed always yields the same audio — the
way a phone system replays the same announcement file on every call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Formant targets (F1, F2, F3) in Hz for an adult male tract; voices scale them.
VOWELS: dict[str, tuple[float, float, float]] = {
    "i": (270, 2290, 3010),
    "I": (390, 1990, 2550),
    "e": (530, 1840, 2480),
    "ae": (660, 1720, 2410),
    "a": (730, 1090, 2440),
    "o": (570, 840, 2410),
    "U": (440, 1020, 2240),
    "u": (300, 870, 2240),
    "uh": (640, 1190, 2390),
    "er": (490, 1350, 1690),
    "y": (250, 1750, 2150),
    "oe": (370, 1550, 2200),
    "es_a": (700, 1220, 2600),
    "es_e": (450, 1900, 2600),
    "es_o": (450, 900, 2500),
}

# Consonants: kind, then parameters. Fricatives: (low Hz, high Hz, level); plosives: burst
# (low, high, voiced?); sonorants: formants and level, rendered through the vocal tract.
FRICATIVES: dict[str, tuple[float, float, float]] = {
    "s": (3800, 7000, 0.35),
    "sh": (2000, 4500, 0.4),
    "f": (1200, 7000, 0.12),
    "x": (1200, 3200, 0.3),
    "th": (1500, 6500, 0.1),
}
PLOSIVES: dict[str, tuple[float, float, bool]] = {
    "p": (400, 1500, False),
    "t": (3000, 6000, False),
    "k": (1500, 3000, False),
    "b": (400, 1500, True),
    "d": (3000, 6000, True),
    "g": (1500, 3000, True),
}
SONORANTS: dict[str, tuple[float, float, float, float]] = {
    "m": (250, 1000, 2200, 0.3),
    "n": (250, 1500, 2500, 0.3),
    "l": (360, 1300, 2900, 0.6),
    "r": (420, 1300, 1600, 0.6),
    "w": (300, 700, 2200, 0.5),
}


@dataclass(frozen=True)
class Language:
    """What a language sounds like to this synthesiser: its phones and its rhythm."""

    vowels: tuple[str, ...]
    onsets: tuple[str, ...]
    codas: tuple[str, ...]
    coda_probability: float
    syllable_s: float  # mean vowel duration, seconds
    word_syllables: tuple[int, int]


LANGUAGES: dict[str, Language] = {
    "en": Language(
        vowels=("i", "I", "e", "ae", "a", "o", "U", "u", "uh", "er"),
        onsets=("s", "t", "k", "p", "b", "d", "m", "n", "l", "r", "w", "f", "sh", "th", ""),
        codas=("t", "n", "s", "k", "l", "r", "d", "m"),
        coda_probability=0.45,
        syllable_s=0.13,
        word_syllables=(1, 3),
    ),
    "es": Language(
        vowels=("es_a", "es_e", "i", "es_o", "u"),
        onsets=("t", "k", "p", "b", "d", "g", "m", "n", "l", "r", "s", "x", ""),
        codas=("n", "s", "r", "l"),
        coda_probability=0.2,
        syllable_s=0.1,
        word_syllables=(2, 4),
    ),
    "de": Language(
        vowels=("i", "y", "e", "oe", "a", "o", "u", "U", "I"),
        onsets=("sh", "t", "k", "p", "b", "d", "g", "m", "n", "l", "r", "f", "x", ""),
        codas=("x", "t", "n", "s", "k", "l", "r", "f"),
        coda_probability=0.6,
        syllable_s=0.14,
        word_syllables=(1, 3),
    ),
}


@dataclass(frozen=True)
class Phone:
    """One segment to render: a symbol, its duration and its prosody."""

    symbol: str
    duration_s: float
    accent: float = 1.0  # syllable stress: scales loudness and pitch
    phrase_position: float = 0.0  # 0 at the start of a phrase, 1 at its end (pitch declines)


@dataclass(frozen=True)
class Script:
    """A reproducible sequence of phones; same seed and language, same sound."""

    language: str
    seed: int
    phones: tuple[Phone, ...] = field(repr=False)

    @property
    def duration_s(self) -> float:
        return sum(phone.duration_s for phone in self.phones)


def make_script(seed: int, language: str = "en", seconds: float = 6.0) -> Script:
    """Draw words of CV(C) syllables with pauses until about `seconds` of speech."""
    inventory = LANGUAGES[language]
    rng = np.random.default_rng(seed)
    phrase: list[tuple[str, float, float]] = []  # symbol, duration, accent
    phones: list[Phone] = []
    total = 0.0

    def flush_phrase() -> None:
        length = sum(item[1] for item in phrase) or 1.0
        elapsed = 0.0
        for symbol, duration, accent in phrase:
            phones.append(Phone(symbol, duration, accent, elapsed / length))
            elapsed += duration
        phrase.clear()

    while total < seconds:
        for _ in range(int(rng.integers(4, 8))):  # words in a phrase
            syllables = int(
                rng.integers(inventory.word_syllables[0], inventory.word_syllables[1] + 1)
            )
            stressed = int(rng.integers(0, syllables))
            for index in range(syllables):
                accent = 1.0 if index == stressed else float(rng.uniform(0.55, 0.8))
                onset = str(rng.choice(inventory.onsets))
                if onset:
                    phrase.append((onset, float(rng.uniform(0.05, 0.09)), accent))
                vowel = str(rng.choice(inventory.vowels))
                length = inventory.syllable_s * float(rng.uniform(0.7, 1.5)) * (0.8 + 0.4 * accent)
                phrase.append((vowel, length, accent))
                if rng.random() < inventory.coda_probability:
                    phrase.append(
                        (str(rng.choice(inventory.codas)), float(rng.uniform(0.04, 0.08)), accent)
                    )
            if rng.random() < 0.35:
                phrase.append(("_", float(rng.uniform(0.04, 0.14)), 0.0))
        phrase.append(("_", float(rng.uniform(0.25, 0.45)), 0.0))
        total += sum(item[1] for item in phrase)
        flush_phrase()
    return Script(language, seed, tuple(phones))
