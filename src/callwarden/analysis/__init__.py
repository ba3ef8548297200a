"""Audio verification: was the notice played, which keys were pressed, who spoke, redaction.

A pure library (numpy, scipy, soundfile; no database, no web): values in, values out, so the
background job, the CLI and the benchmark all call the same functions. Start with
`analyse_recording`; each detector is also usable alone.
"""

from callwarden.analysis.audio import ANALYSIS_RATE, Audio, decode, from_array, resample, write
from callwarden.analysis.dtmf import DtmfSettings, Keypress, detect_dtmf
from callwarden.analysis.notice import (
    DEFAULT_THRESHOLD,
    ChannelNotice,
    NoticeMatch,
    Prompt,
    detect_notice,
    prepare_prompt,
)
from callwarden.analysis.pipeline import RecordingAnalysis, analyse_recording
from callwarden.analysis.redact import (
    RedactionIncomplete,
    RedactionResult,
    redact_dtmf,
    redact_file,
    redact_spans,
)
from callwarden.analysis.spans import Span
from callwarden.analysis.speech import ChannelActivity, SpeechReport, SpeechSettings, detect_speech

__all__ = [
    "ANALYSIS_RATE",
    "DEFAULT_THRESHOLD",
    "Audio",
    "ChannelActivity",
    "ChannelNotice",
    "DtmfSettings",
    "Keypress",
    "NoticeMatch",
    "Prompt",
    "RecordingAnalysis",
    "RedactionIncomplete",
    "RedactionResult",
    "Span",
    "SpeechReport",
    "SpeechSettings",
    "analyse_recording",
    "decode",
    "detect_dtmf",
    "detect_notice",
    "detect_speech",
    "from_array",
    "prepare_prompt",
    "redact_dtmf",
    "redact_file",
    "redact_spans",
    "resample",
    "write",
]
