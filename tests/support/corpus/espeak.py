"""Real text-to-speech voices from `espeak-ng`, when the machine has it.

The formant synthesiser in `voice` needs nothing installed; espeak-ng (Debian package
`espeak-ng`) adds intelligible speech in real languages, which is closer to what a phone system's
announcement is. Callers must check `available()` and skip, not fail, when it is missing.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from callwarden.analysis.audio import resample
from callwarden.demo.audio import espeak_available, speak
from tests.support.corpus.channel import active_rms
from tests.support.corpus.scenarios import Corpus, Signal
from tests.support.corpus.voice import SYNTH_RATE

ANNOUNCEMENTS: dict[str, tuple[str, str]] = {
    "v1/en": ("en-us", "This call may be recorded for quality and training purposes."),
    "v2/en": (
        "en-us",
        "Calls are monitored and recorded to improve our service and to resolve disputes.",
    ),
    "v1/es": ("es", "Esta llamada puede ser grabada con fines de calidad y formación."),
    "v1/de": ("de", "Dieses Gespräch wird zu Qualitäts- und Schulungszwecken aufgezeichnet."),
}
CONVERSATION = (
    ("en-us", "Hello, I am calling about the invoice I received last week."),
    ("en-gb", "Sure, can you give me the account number, please?"),
    ("en-us", "It's the one ending in four seven two, I think the amount is wrong."),
    ("es", "Buenos días, quería preguntar por mi pedido de ayer."),
    ("de", "Ja, einen Moment bitte, ich sehe das gleich nach."),
)


def available() -> bool:
    return espeak_available()


def _at_synth_rate(text: str, voice: str, words_per_minute: int = 160) -> NDArray[np.float32]:
    samples, rate = speak(text, voice, words_per_minute)
    signal = resample(samples, rate, SYNTH_RATE)
    level = active_rms(signal, SYNTH_RATE)
    return np.asarray(signal * (10 ** (-26 / 20) / level), dtype=np.float32)


class EspeakCorpus(Corpus):
    """The same trials as `Corpus`, with espeak-ng announcements and conversation."""

    def __init__(self, seed: int = 2024) -> None:
        super().__init__(seed=seed, scripts=len(ANNOUNCEMENTS))

    @cached_property
    def announcements(self) -> list[Signal]:
        return [_at_synth_rate(text, voice) for voice, text in ANNOUNCEMENTS.values()]

    @cached_property
    def speech_pool(self) -> list[Signal]:
        pool = []
        for index, (voice, text) in enumerate(CONVERSATION):
            for variant, speed in (("", 150), ("+f3", 175), ("+m3", 135), ("+f1", 190)):
                if index == 0 and not variant:
                    pool.append(_at_synth_rate(text, voice, speed))  # the announcement voice
                else:
                    pool.append(_at_synth_rate(text, voice + variant, speed))
        return pool
