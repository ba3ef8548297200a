"""The response letter to an erasure request, in Markdown: what was erased, what was kept and
why, with the law for each exception. Pure: the request's facts in, the text out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from callwarden.subjects.deadlines import NOT_LEGAL_ADVICE
from callwarden.subjects.exceptions import UNCERTAIN

LAW_NAMES = {
    "gdpr": "the GDPR",
    "uk-gdpr": "the UK GDPR",
    "ccpa": "the CCPA (as amended by the CPRA)",
}
ERASURE_RIGHT = {
    "gdpr": "Article 17 GDPR",
    "uk-gdpr": "Article 17 UK GDPR",
    "ccpa": "Cal. Civ. Code § 1798.105",
}


def erasure_letter(
    *,
    request_id: str,
    law: str,
    numbers: Sequence[str],
    received_at: datetime,
    written_at: datetime,
    calls: int,
    erased: Sequence[str],
    kept: Mapping[str, Sequence[Mapping[str, Any]]],
    certificate_sweep: str | None,
) -> str:
    """`kept`: recording id -> its exceptions (`Keep.as_json()`)."""
    lines = [
        f"# Your request to erase your data ({request_id})",
        "",
        f"We received your request on {received_at.date().isoformat()} under "
        f"{ERASURE_RIGHT[law]} ({LAW_NAMES[law]}) for the phone number(s) {', '.join(numbers)}.",
        "",
    ]
    if calls == 0 and not erased and not kept:
        lines += [
            "We searched every call and call recording we hold for these numbers and found "
            "none. We hold no call recordings of you, so there was nothing to erase.",
            "",
        ]
    else:
        lines += [f"We found {calls} call(s) in which you took part.", ""]
        if erased:
            lines += [
                f"## Erased ({len(erased)} recording(s))",
                "",
                "These recordings have been destroyed: their encryption keys were destroyed "
                "and the stored audio deleted, so they can no longer be played by anyone.",
                "",
            ]
            lines += [f"- recording {recording_id}" for recording_id in erased]
            if certificate_sweep:
                lines += [
                    "",
                    f"A destruction certificate records this (sweep {certificate_sweep}).",
                ]
            lines.append("")
        if kept:
            lines += [f"## Kept ({len(kept)} recording(s)), and why", ""]
            for recording_id, reasons in kept.items():
                lines.append(f"- recording {recording_id}:")
                for reason in reasons:
                    cited = "; ".join(reason["citations"])
                    lines.append(f"  - {reason['text']} ({cited})")
            lines += [
                "",
                "A kept recording is kept only while its exception applies: you may ask again "
                "once the date given has passed or the matter has ended.",
                "",
            ]
    if law in UNCERTAIN:
        lines += [f"_{UNCERTAIN[law]}_", ""]
    lines += [f"Written {written_at.date().isoformat()}.", "", f"_{NOT_LEGAL_ADVICE}_", ""]
    return "\n".join(lines)
