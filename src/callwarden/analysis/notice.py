"""Was the recording announcement played, where, and on which channel?

Method: chunked normalised cross-correlation of band-limited log spectrograms.

1. Both prompt and recording become 20 mel-spaced log-energy bands between 300 and 3400 Hz every
   10 ms (`fingerprint`). Only the telephone band is used, so band limiting removes nothing the
   matcher relies on. Each band is floored 15 dB below its own loud level, so packet-loss gaps
   and digital silence cannot produce huge negative outliers and a clean prompt's quiet parts
   look like a noisy recording's. Half of each frame's mean over bands is then subtracted: the
   loudness contour (syllable rhythm) is alike in all speech and would otherwise dominate the
   correlation, so most of the weight goes to the spectral shape, which is what is specific.
2. The prompt is cut into 1 s chunks every 0.5 s; each chunk has its per-band mean removed and is
   scaled to unit norm. Removing per-band means makes the comparison blind to a level change
   (±12 dB is an additive constant in the log domain) and to any fixed channel filter (a
   per-band constant too); the norm makes the correlation a true cosine. Chunks that are mostly
   pause are dropped: silence in the prompt says nothing about whether it was played.
3. Each chunk is cross-correlated with the recording by FFT (overlap-save, all chunks and bands in
   one batched product) and divided by the recording window's own per-band-centred norm: a
   normalised cross-correlation in [-1, 1] for every chunk and every 10 ms lag.
4. For each candidate start of the whole prompt, each chunk takes its best NCC within ±20 ms of
   where it should be. The chunks are ranked and the score is the NCC at the 70% rank (the mean
   of the three chunks around it): "at least 70% of the prompt was heard, at one consistent
   timing, at least this clearly". Demanding consistent timing separates the announcement from
   ordinary speech or another script in the same voice (one chunk can resemble something by
   chance; a dozen at the right spacing cannot). Scoring at a rank rather than averaging the best
   chunks is what stops a *revised* script that reuses half of the old audio from passing as the
   old one, while the 30% allowance absorbs a clipped start, packet-loss gaps and stretches
   masked by the other party talking over the prompt.

The score is therefore a correlation coefficient: 0.1–0.4 for unrelated audio (the best of many
lags), 1 for an exact copy. `DEFAULT_THRESHOLD` (0.45) was chosen on the synthetic and espeak-ng
corpora (`bench/analysis.py` prints the rates per condition): under G.711, band limiting and
10 dB SNR, 95% of true matches score above 0.64, and no non-match in any condition scored
above 0.40. It is kept clear of the non-matches rather than lowered to catch the very hardest
positives, because a false "notice verified" hides a compliance failure while a false "missing"
only asks a person to listen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.fft
from numpy.typing import NDArray
from scipy.ndimage import maximum_filter1d

from callwarden.analysis.audio import Audio, at_analysis_rate
from callwarden.analysis.features import spectrogram
from callwarden.analysis.fingerprint import (
    BANDS,
    CHUNK,
    FFT_BLOCK,
    FRAME_S,
    Features,
    Prompt,
    fingerprint,
    prepare_prompt,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "ChannelNotice",
    "NoticeMatch",
    "Prompt",
    "RecordingIndex",
    "align",
    "chunk_ncc",
    "detect_notice",
    "fingerprint",
    "index_recording",
    "match_features",
    "prepare_prompt",
]

KEEP_FRACTION = 0.7
TOLERANCE = 2  # frames each way: ±20 ms of timing slack per chunk
DEFAULT_THRESHOLD = 0.45


def _chunk_length(prompt: Prompt) -> int:
    return min(CHUNK, prompt.length)


@dataclass(frozen=True)
class RecordingIndex:
    """One channel's fingerprint made ready for matching: block spectra and window norms.

    It depends only on the recording and the chunk length, so every prompt matched against the
    same channel reuses it; only one matrix product and one inverse FFT are paid per prompt.
    """

    lags: int
    step: int
    spectrum: NDArray[np.complex64] = field(repr=False)  # (bins, blocks, BANDS)
    inverse_norm: NDArray[np.float32] = field(repr=False)  # (lags,), 0 where nothing to match


def index_recording(features: Features, chunk: int = CHUNK) -> RecordingIndex:
    """Overlap-save block spectra of the centred fingerprint, and each window's inverse norm."""
    total = features.shape[0]
    lags = total - chunk + 1
    step = FFT_BLOCK - chunk + 1
    if lags <= 0:
        empty = np.zeros((FFT_BLOCK // 2 + 1, 0, BANDS), dtype=np.complex64)
        return RecordingIndex(0, step, empty, np.zeros(0, dtype=np.float32))
    centred = features - features.mean(axis=0)
    blocks = -(-lags // step)
    padded = np.zeros((blocks * step + chunk - 1, BANDS), dtype=np.float32)
    padded[:total] = centred
    view = np.lib.stride_tricks.sliding_window_view(padded, (FFT_BLOCK, BANDS))[::step, 0]
    spectrum = scipy.fft.rfft(view[:blocks], axis=1, workers=1).transpose(1, 0, 2)
    by_band = np.zeros((BANDS, total + 1))
    np.cumsum(centred.T, axis=1, out=by_band[:, 1:])
    window_sum = by_band[:, chunk:] - by_band[:, :-chunk]  # (BANDS, lags)
    energy = np.concatenate([[0.0], np.cumsum(np.sum(centred.astype(np.float64) ** 2, axis=1))])
    variance = (energy[chunk:] - energy[:-chunk]) - np.sum(window_sum**2, axis=0) / chunk
    usable = variance > chunk * BANDS * 0.25  # below 0.5 dB of movement there is nothing to match
    inverse = np.where(usable, 1.0 / np.sqrt(np.where(usable, variance, 1.0)), 0.0)
    return RecordingIndex(lags, step, np.ascontiguousarray(spectrum), inverse.astype(np.float32))


def chunk_ncc(index: RecordingIndex | Features, prompt: Prompt) -> NDArray[np.float32]:
    """(chunks, lags) normalised cross-correlation of every prompt chunk at every lag."""
    if not isinstance(index, RecordingIndex):
        index = index_recording(index, _chunk_length(prompt))
    count = prompt.offsets.size
    if index.lags == 0:
        return np.zeros((count, 0), dtype=np.float32)
    product = np.matmul(index.spectrum, prompt.spectra)  # (bins, blocks, chunks)
    correlation = scipy.fft.irfft(product, n=FFT_BLOCK, axis=0, workers=1)[: index.step]
    numerator = correlation.transpose(2, 1, 0).reshape(count, -1)[:, : index.lags]
    return np.asarray(numerator * index.inverse_norm, dtype=np.float32)


def align(
    ncc: NDArray[np.float32], prompt: Prompt, last_start: int | None = None
) -> tuple[float, int]:
    """Best (score, prompt start frame) up to `last_start`; a negative start means clipped."""
    count, lags = ncc.shape
    span = int(prompt.offsets[-1])
    earliest, latest = -span, lags - 1 if last_start is None else min(lags - 1, last_start)
    if lags == 0 or latest < earliest:
        return 0.0, 0
    best_near = maximum_filter1d(ncc, 2 * TOLERANCE + 1, axis=1, mode="constant", cval=0.0)
    padded = np.zeros((count, lags + 2 * span + 1), dtype=np.float32)
    padded[:, span : span + lags] = best_near
    starts = np.arange(earliest, latest + 1)
    where = starts[:, None] + prompt.offsets[None, :] + span  # (starts, chunks)
    by_start = padded[np.arange(count)[None, :], where]
    rank = max(1, int(np.ceil(KEEP_FRACTION * count)))  # 1-based rank, best first
    ascending = np.sort(by_start, axis=1)  # rank r sits at column count - r
    scores = ascending[:, max(0, count - rank - 1) : count - rank + 2].mean(axis=1)
    best = int(np.argmax(scores))
    return float(scores[best]), int(starts[best])


@dataclass(frozen=True)
class ChannelNotice:
    """How well one channel matched the prompt."""

    channel: int
    score: float
    offset_s: float
    detected: bool


@dataclass(frozen=True)
class NoticeMatch:
    """The verdict for one prompt over a recording: the best channel, and every channel's score.

    `offset_s` is where the prompt file's start falls in the recording; it is negative when the
    recording began after the prompt had already started playing.
    """

    detected: bool
    offset_s: float | None
    score: float
    channel: int | None
    prompt: str = "prompt"
    threshold: float = DEFAULT_THRESHOLD
    per_channel: tuple[ChannelNotice, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "detected": self.detected,
            "offset_s": None if self.offset_s is None else round(self.offset_s, 3),
            "score": round(self.score, 4),
            "channel": self.channel,
            "prompt": self.prompt,
            "threshold": self.threshold,
            "per_channel": [
                {
                    "channel": c.channel,
                    "score": round(c.score, 4),
                    "offset_s": round(c.offset_s, 3),
                    "detected": c.detected,
                }
                for c in self.per_channel
            ],
        }


def match_features(
    channel_features: Sequence[Features | RecordingIndex],
    prompt: Prompt,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    latest_start_s: float | None = None,
) -> NoticeMatch:
    """Match a prompt against per-channel fingerprints or indexes (see `detect_notice`).

    Pass `RecordingIndex`es (from `index_recording`) to match many prompts against one
    recording without redoing the recording's share of the work.
    """
    last_start = None
    if latest_start_s is not None:
        last_start = int(np.floor((latest_start_s + prompt.lead_s) / FRAME_S))
    results = []
    for channel, features in enumerate(channel_features):
        if isinstance(features, RecordingIndex):
            index = features
        else:
            if last_start is not None:  # frames beyond the window's prompt cannot matter
                features = features[: max(0, last_start) + prompt.length + TOLERANCE + 1]
            index = index_recording(features, _chunk_length(prompt))
        score, start = align(chunk_ncc(index, prompt), prompt, last_start)
        offset = start * FRAME_S - prompt.lead_s
        results.append(ChannelNotice(channel, score, offset, score >= threshold))
    best = max(results, key=lambda item: item.score)
    found = best.score >= threshold
    return NoticeMatch(
        detected=found,
        offset_s=best.offset_s if found else None,
        score=best.score,
        channel=best.channel if found else None,
        prompt=prompt.name,
        threshold=threshold,
        per_channel=tuple(results),
    )


def detect_notice(
    recording: Audio,
    prompt: Prompt | Audio,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    latest_start_s: float | None = None,
) -> NoticeMatch:
    """Find `prompt` in each channel of `recording`; detected when the best score ≥ threshold.

    `latest_start_s` limits the search to prompts starting by then (a policy's notice window),
    which also makes the search proportionally cheaper.
    """
    prepared = prompt if isinstance(prompt, Prompt) else prepare_prompt(prompt)
    signal = at_analysis_rate(recording)
    features = [fingerprint(spectrogram(signal[:, c])) for c in range(signal.shape[1])]
    return match_features(features, prepared, threshold=threshold, latest_start_s=latest_start_s)
