"""Notice audio: how many of the period's recordings had their notice verified from the audio,
and each `notice_missing` the audio check left open."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from callwarden.checks.catalogue._law import policy
from callwarden.checks.registry import Context, Evidence, Found, Period, check
from callwarden.models import Finding, Recording

RULE = policy(
    "scripts / always_announce", "each party hears the recording notice, and the recording shows it"
)


def recorded_in(period: Period) -> ColumnElement[bool]:
    """The period's recordings, by the moment each began."""
    return (Recording.started_at >= period.start) & (Recording.started_at < period.end)


def analysed() -> ColumnElement[bool]:
    """The recording's audio has been checked (the share's denominator)."""
    return Recording.analysed_at.is_not(None)


def notice_verified() -> ColumnElement[bool]:
    """The audio check verified the recording's notice (the share's numerator)."""
    return (
        select(Finding.id)
        .where(Finding.recording_id == Recording.id, Finding.kind == "notice_verified")
        .exists()
    )


@check(
    "notice_audio",
    "Notice heard in the audio",
    "Counts the period's analysed recordings with a notice the audio check verified "
    "(`notice_verified`) against all analysed recordings (a figure, as an info finding), and "
    "reports each open `notice_missing` finding on a recording of the period.",
)
def notice_audio(session: Session, period: Period, context: Context) -> Iterator[Found]:
    in_period = recorded_in(period)
    counted = session.execute(
        select(func.count(), func.count().filter(notice_verified()))
        .select_from(Recording)
        .where(in_period, analysed())
    ).one()
    analysed_count, verified = int(counted[0]), int(counted[1])
    share = round(verified / analysed_count, 4) if analysed_count else 0.0
    yield Found(
        key=f"share:{period.start.isoformat()}/{period.end.isoformat()}",
        severity="info",
        summary=f"{verified} of {analysed_count} analysed recordings had their notice verified "
        "from the audio",
        evidence=Evidence(
            figures={"analysed": analysed_count, "verified": verified, "share": share}
        ),
        rule=RULE,
    )
    missing = session.execute(
        select(Finding.id, Finding.recording_id, Finding.summary, Recording.call_id)
        .join(Recording, Recording.id == Finding.recording_id)
        .where(in_period, Finding.kind == "notice_missing", Finding.status == "open")
        .order_by(Finding.id)
    )
    for finding_id, recording_id, summary, call_id in missing:
        yield Found(
            key=f"notice_missing:{finding_id}",
            severity="high",
            summary=f"recording {recording_id}: {summary}",
            evidence=Evidence(
                calls=(call_id,), recordings=(recording_id,), figures={"audio_finding": finding_id}
            ),
            rule=RULE,
        )
