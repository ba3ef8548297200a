"""Speech, silence and dead air, by an energy detector anyone can check by ear.

Method: for each channel, the energy between 300 and 3400 Hz in every 32 ms frame (every 10 ms),
in dB re a full-scale sine. The channel's noise floor is the 10th percentile of those energies
(calls are rarely more than 90% talk, so the quietest tenth is the line's own hiss), capped at
`max_noise_floor_dbfs` so that a channel that never falls quiet (hold music throughout) is not
mistaken for one long noise floor. A frame is active when it is `margin_db` above that floor
*and* above an absolute `min_level_dbfs`, so a silent line's faint hiss never counts. Active
runs shorter than `min_burst_s` (clicks) are dropped, and each run is held open for `hangover_s`
so the pauses between words stay inside one speech span. Silence is the complement; dead air is
time when *every* channel is silent for at least `dead_air_s` — a long silence on both sides
suggests a broken recording or a caller left on hold with nothing playing.

Tones and music count as activity: this answers "was anything audible here", which is what a
secure-pause check and a dead-air check need; DTMF is identified separately by `dtmf`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from callwarden.analysis.audio import ANALYSIS_RATE, Audio, at_analysis_rate
from callwarden.analysis.features import FRAME, HOP, Spectrogram, spectrogram, to_db
from callwarden.analysis.spans import Span, complement, intersect, merge, runs

FRAME_S = HOP / ANALYSIS_RATE


@dataclass(frozen=True)
class SpeechSettings:
    margin_db: float = 12.0
    min_level_dbfs: float = -55.0
    max_noise_floor_dbfs: float = -40.0
    min_burst_s: float = 0.06
    hangover_s: float = 0.25
    dead_air_s: float = 10.0


@dataclass(frozen=True)
class ChannelActivity:
    """One channel: where someone (or something) was audible, and where not."""

    channel: int
    noise_floor_dbfs: float
    threshold_dbfs: float
    speech: tuple[Span, ...]
    silence: tuple[Span, ...]

    @property
    def speech_s(self) -> float:
        return sum(span.duration_s for span in self.speech)


@dataclass(frozen=True)
class SpeechReport:
    duration_s: float
    channels: tuple[ChannelActivity, ...]
    dead_air: tuple[Span, ...]
    dead_air_threshold_s: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "duration_s": round(self.duration_s, 3),
            "dead_air_threshold_s": self.dead_air_threshold_s,
            "dead_air": [span.as_dict() for span in self.dead_air],
            "channels": [
                {
                    "channel": c.channel,
                    "noise_floor_dbfs": round(c.noise_floor_dbfs, 1),
                    "threshold_dbfs": round(c.threshold_dbfs, 1),
                    "speech_s": round(c.speech_s, 3),
                    "speech": [span.as_dict() for span in c.speech],
                    "silence": [span.as_dict() for span in c.silence],
                }
                for c in self.channels
            ],
        }


def channel_activity(
    spec: Spectrogram, channel: int, duration_s: float, settings: SpeechSettings
) -> ChannelActivity:
    """Speech and silence spans for one channel's spectrogram."""
    level = to_db(spec.band_power(300.0, 3400.0))
    floor = min(float(np.percentile(level, 10)), settings.max_noise_floor_dbfs)
    threshold = max(floor + settings.margin_db, settings.min_level_dbfs)
    active = level > threshold
    spans = []
    for first, last in runs(active):
        start = first * FRAME_S  # from the first active window's first sample
        end = ((last - 1) * HOP + FRAME) / ANALYSIS_RATE  # to the last one's last sample
        if end - start >= settings.min_burst_s:
            spans.append(Span(start, min(duration_s, end + settings.hangover_s)))
    speech = merge(spans)
    return ChannelActivity(
        channel, floor, threshold, tuple(speech), tuple(complement(speech, 0.0, duration_s))
    )


def dead_air(activities: Sequence[ChannelActivity], minimum_s: float) -> list[Span]:
    """Stretches where every channel is silent for at least `minimum_s`."""
    if not activities:
        return []
    common = list(activities[0].silence)
    for activity in activities[1:]:
        common = intersect(common, list(activity.silence))
    return [span for span in common if span.duration_s >= minimum_s]


def report(
    spectra: Sequence[Spectrogram], duration_s: float, settings: SpeechSettings | None = None
) -> SpeechReport:
    """Build the report from per-channel spectrograms (the pipeline shares them)."""
    settings = settings or SpeechSettings()
    activities = tuple(
        channel_activity(spec, channel, duration_s, settings)
        for channel, spec in enumerate(spectra)
    )
    return SpeechReport(
        duration_s,
        activities,
        tuple(dead_air(activities, settings.dead_air_s)),
        settings.dead_air_s,
    )


def detect_speech(audio: Audio, settings: SpeechSettings | None = None) -> SpeechReport:
    """Speech, silence and dead-air spans of a recording."""
    signal = at_analysis_rate(audio)
    spectra = [spectrogram(np.ascontiguousarray(signal[:, c])) for c in range(signal.shape[1])]
    return report(spectra, audio.duration_s, settings)
