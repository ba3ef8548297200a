"""Redaction: overwrite spans (or every keypress) and prove the result holds no DTMF.

PCI DSS forbids keeping card data, and a keypad's tones *are* the digits, so they must go. The
replaced audio keeps every property of the original — length, channels, sample rate and the
file's encoding — so the copy plays and is filed like the original. Each span is padded (tone
edges are soft) and, by default, blanked on *every* channel, because a caller's tones leak into
the agent's leg as echo. The fill is silence or a 1 kHz marker tone at -20 dBFS with 5 ms fades:
a single sine can never decode as DTMF (a key needs one tone from each group, within 2.5% of a
keypad frequency; 1 kHz is 6% from the nearest). The proof is not an assertion: detection is run
again on the result — for files, on the file as written and read back through its codec — and
any residual keypress is reported.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from callwarden.analysis.audio import Audio, Source, decode, write
from callwarden.analysis.dtmf import DtmfSettings, Keypress, detect_dtmf
from callwarden.analysis.spans import Span, merge
from callwarden.kit.errors import CallwardenError

Fill = Literal["silence", "tone"]
MARKER_TONE_HZ = 1000.0
MARKER_TONE_DBFS = -20.0
DEFAULT_PAD_S = 0.04
_FADE_S = 0.005


class RedactionIncomplete(CallwardenError):
    status, code, title = 422, "redaction_incomplete", "Redaction incomplete"


@dataclass(frozen=True)
class RedactionResult:
    """The redacted audio, what was replaced, and the re-detection that proves it clean."""

    audio: Audio
    redacted: tuple[Span, ...]
    removed: tuple[Keypress, ...]
    residual: tuple[Keypress, ...]

    @property
    def clean(self) -> bool:
        return not self.residual

    def as_dict(self) -> dict[str, Any]:
        return {
            "clean": self.clean,
            "redacted": [span.as_dict() for span in self.redacted],
            "removed": [press.as_dict() for press in self.removed],
            "residual": [press.as_dict() for press in self.residual],
        }


def redact_spans(
    audio: Audio,
    spans: Sequence[Span],
    *,
    fill: Fill = "silence",
    channels: Sequence[int] | None = None,
) -> Audio:
    """A copy of `audio` with `spans` replaced on `channels` (default all)."""
    samples = audio.samples.copy()
    rate = audio.sample_rate
    targets = list(range(audio.channels)) if channels is None else list(channels)
    for channel in targets:
        if not 0 <= channel < audio.channels:
            raise ValueError(f"channel {channel} does not exist (audio has {audio.channels})")
    for span in merge(spans):
        start = max(0, int(np.floor(span.start_s * rate)))
        stop = min(audio.frames, int(np.ceil(span.end_s * rate)))
        if stop <= start:
            continue
        if fill == "tone":
            time = np.arange(stop - start) / rate
            tone = 10 ** (MARKER_TONE_DBFS / 20) * np.sin(2 * np.pi * MARKER_TONE_HZ * time)
            fade = np.minimum(1.0, np.minimum(time, time[::-1]) / _FADE_S)
            replacement = (tone * fade).astype(np.float32)
        else:
            replacement = np.zeros(stop - start, dtype=np.float32)
        for channel in targets:
            samples[start:stop, channel] = replacement
    return Audio(samples, rate, audio.format, audio.subtype)


def _padded(presses: Sequence[Keypress], pad_s: float, duration_s: float) -> list[Span]:
    spans = [
        Span(max(0.0, press.start_s - pad_s), min(duration_s, press.end_s + pad_s))
        for press in presses
    ]
    return merge(spans)


def redact_dtmf(
    audio: Audio,
    *,
    fill: Fill = "silence",
    pad_s: float = DEFAULT_PAD_S,
    settings: DtmfSettings | None = None,
) -> RedactionResult:
    """Find every keypress, blank it on all channels, and re-detect on the result."""
    removed = detect_dtmf(audio, settings)
    spans = _padded(removed, pad_s, audio.duration_s)
    redacted = redact_spans(audio, spans, fill=fill)
    residual = detect_dtmf(redacted, settings)
    return RedactionResult(redacted, tuple(spans), tuple(removed), tuple(residual))


def redact_file(
    source: Source,
    destination: str | Path,
    *,
    fill: Fill = "silence",
    pad_s: float = DEFAULT_PAD_S,
    settings: DtmfSettings | None = None,
) -> RedactionResult:
    """Redact a file into `destination` in the same encoding; only a proven-clean file is kept.

    The result is written beside the destination first, read back through its codec and
    searched again; if any keypress survives, the partial file is deleted and
    `RedactionIncomplete` raised, so no unverified copy is ever left behind.
    """
    original = decode(source)
    result = redact_dtmf(original, fill=fill, pad_s=pad_s, settings=settings)
    target = Path(destination)
    partial = target.with_name(target.name + ".partial")
    try:
        write(result.audio, partial)
        written = decode(partial)
        residual = tuple(detect_dtmf(written, settings))
        if residual:
            raise RedactionIncomplete(
                f"{len(residual)} keypress(es) still detectable after redaction; nothing written"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return RedactionResult(written, result.redacted, result.removed, residual)
