"""Everything the compliance job needs to know about one recording, in one call.

`analyse_recording` decodes once, resamples once to 8 kHz, computes one spectrogram per channel,
and hands it to every detector: announcement matching (one result per prompt), DTMF and speech
activity. Sharing that work is what makes a five-minute stereo call cost milliseconds. The result
is a plain frozen dataclass with `as_dict()` for JSON; turning it into findings (notice window,
which party had to hear it, secure-pause intervals) is the caller's business, because that needs
the call's policy and ledger, which this pure library never sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from callwarden.analysis.audio import Audio, Source, at_analysis_rate, decode, from_array
from callwarden.analysis.dtmf import DtmfSettings, Keypress, detect_channel
from callwarden.analysis.features import Spectrogram, spectrogram
from callwarden.analysis.fingerprint import CHUNK, FRAME_S, fingerprint
from callwarden.analysis.notice import (
    DEFAULT_THRESHOLD,
    TOLERANCE,
    NoticeMatch,
    Prompt,
    RecordingIndex,
    index_recording,
    match_features,
    prepare_prompt,
)
from callwarden.analysis.speech import SpeechReport, SpeechSettings
from callwarden.analysis.speech import report as speech_report
from callwarden.kit.errors import InvalidInput


@dataclass(frozen=True)
class RecordingAnalysis:
    """Decoded facts plus every detector's output for one recording."""

    duration_s: float
    sample_rate: int
    channels: int
    format: str
    subtype: str
    notices: Mapping[str, NoticeMatch]
    keypresses: tuple[Keypress, ...]
    speech: SpeechReport

    def as_dict(self) -> dict[str, Any]:
        return {
            "duration_s": round(self.duration_s, 3),
            "sample_rate": self.sample_rate,
            "channels": self.channels,
            "format": self.format,
            "subtype": self.subtype,
            "notices": {name: match.as_dict() for name, match in self.notices.items()},
            "digits": [press.as_dict() for press in self.keypresses],
            "speech": self.speech.as_dict(),
        }


def _as_audio(source: Source | Audio | NDArray[np.floating], sample_rate: int | None) -> Audio:
    if isinstance(source, Audio):
        return source
    if isinstance(source, np.ndarray):
        if sample_rate is None:
            raise InvalidInput("an audio array needs its sample_rate")
        return from_array(source, sample_rate)
    return decode(source)


def _match_prompts(
    spectra: list[Spectrogram],
    prompts: Mapping[str, Prompt | Audio],
    threshold: float,
    latest_start_s: float | None,
) -> dict[str, NoticeMatch]:
    """Fingerprint and index each channel once, then match every prompt against the indexes."""
    prepared = {
        name: prompt if isinstance(prompt, Prompt) else prepare_prompt(prompt, name)
        for name, prompt in prompts.items()
    }
    if not prepared:
        return {}
    frames = None
    if latest_start_s is not None:  # only the start of the call can hold a prompt that counts
        longest = max(prompt.lead_s + prompt.length * FRAME_S for prompt in prepared.values())
        frames = int((latest_start_s + longest) / FRAME_S) + TOLERANCE + 2
    features = [fingerprint(spec.head(frames)) for spec in spectra]
    indexes: dict[int, list[RecordingIndex]] = {}
    matches = {}
    for name, prompt in prepared.items():
        chunk = min(CHUNK, prompt.length)
        if chunk not in indexes:
            indexes[chunk] = [index_recording(channel, chunk) for channel in features]
        matches[name] = match_features(
            indexes[chunk], prompt, threshold=threshold, latest_start_s=latest_start_s
        )
    return matches


def analyse_recording(
    source: Source | Audio | NDArray[np.floating],
    prompts: Mapping[str, Prompt | Audio] | None = None,
    *,
    sample_rate: int | None = None,
    notice_threshold: float = DEFAULT_THRESHOLD,
    notice_latest_start_s: float | None = None,
    dtmf_settings: DtmfSettings | None = None,
    speech_settings: SpeechSettings | None = None,
) -> RecordingAnalysis:
    """Decode + announcement matching + DTMF + speech/silence/dead air for one recording.

    `prompts` maps a name (e.g. "v3/en") to a prepared `Prompt` (prepare once, reuse across
    recordings) or raw prompt `Audio`. `notice_latest_start_s` restricts the announcement search
    to the policy's window; None searches the whole recording.
    """
    audio = _as_audio(source, sample_rate)
    signal = at_analysis_rate(audio)
    columns = [np.ascontiguousarray(signal[:, c]) for c in range(signal.shape[1])]
    spectra = [spectrogram(column) for column in columns]
    keypresses: list[Keypress] = []
    for channel, (column, spec) in enumerate(zip(columns, spectra, strict=True)):
        keypresses += detect_channel(column, channel, spec, dtmf_settings)
    keypresses.sort(key=lambda press: (press.start_s, press.channel))
    activity = speech_report(spectra, audio.duration_s, speech_settings)
    matches = _match_prompts(spectra, prompts or {}, notice_threshold, notice_latest_start_s)
    return RecordingAnalysis(
        duration_s=audio.duration_s,
        sample_rate=audio.sample_rate,
        channels=audio.channels,
        format=audio.format,
        subtype=audio.subtype,
        notices=matches,
        keypresses=tuple(keypresses),
        speech=activity,
    )
