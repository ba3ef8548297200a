"""A recording as people are shown it, with what is judged at the time of asking.

The row's schedule is stored; whether a hold keeps it is not (holds are judged now, against the
recording and its call, by `retention.holds`), nor is the policy's choice of moment (read from
the policy version that scheduled it), nor the open cases that restrict or hold it. The API
and the console both describe a recording here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from callwarden.kit.errors import NotFound
from callwarden.models import Recording
from callwarden.policy import service as policies
from callwarden.recordings.restrictions import protections
from callwarden.recordings.schemas import describe
from callwarden.retention import holds


def dispose_at(session: Session, version: int | None) -> str | None:
    """`earliest` or `latest`: what the policy version that scheduled the recording chose."""
    if version is None:
        return None
    try:
        return policies.compiled_version(session, version).document.retention.dispose_at
    except NotFound:
        return None


def described(session: Session, recording: Recording, judge_holds: bool = True) -> dict[str, Any]:
    """`describe`, with the holds judged now (unless a page of many asks not to) and what open
    cases do to it (restricted, held), by case number only."""
    held = bool(holds.holds_covering(session, recording.id)) if judge_holds else None
    shown = describe(recording, held, dispose_at(session, recording.retention_policy_version))
    shown["protections"] = protections(session, recording.id)
    return shown
