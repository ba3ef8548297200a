"""One person's training record in the console: every assignment, quiz attempt and policy
acknowledgement, with the fingerprint of the course version and the sha256 of the policy text
they were shown, overdue work marked; and the same record as CSV.

Whose record a principal reads is `training.records.user_record`'s rule (the oversight roles
everyone's, a supervisor their team's, every person their own), so a person out of reach
answers here exactly as a username nobody has. The page only arranges what the service gives.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.clock import as_utc
from callwarden.models import TrainingAssignment, TrainingAttempt, TrainingCourseVersion
from callwarden.server.deps import read_session
from callwarden.training import records, service
from callwarden.training.records import UserRecord
from callwarden.training.repository import COMPLETED
from callwarden.web.deps import console_requires
from callwarden.web.routing import page_router
from callwarden.web.templating import render

router = page_router()


def _what(row: TrainingAssignment, versions: dict[str, TrainingCourseVersion]) -> str:
    """The assignment's subject in words: the course's title and version, or the policy's."""
    if row.course_version_id is None:
        return f"Policy version {row.policy_version} (acknowledgement)"
    version = versions.get(row.course_version_id)
    return f"{version.title} (v{version.version})" if version is not None else row.subject


def _review(attempt: TrainingAttempt, version: TrainingCourseVersion | None) -> list[str]:
    """The modules a failed attempt sends the person back to, by title where the course
    still says (an id otherwise)."""
    if version is None:
        return list(attempt.review)
    course = service.document_of(version)
    titles = []
    for module_id in attempt.review:
        module = course.module(module_id)
        titles.append(module.title if module is not None else module_id)
    return titles


def _context(record: UserRecord) -> dict[str, Any]:
    now = clock.now()
    assignments: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    for row in record.assignments:
        done = row.state == COMPLETED
        version = record.versions.get(row.course_version_id or "")
        what = _what(row, record.versions)
        assignments.append(
            {
                "row": row,
                "what": what,
                "fingerprint": version.fingerprint if version is not None else None,
                "done": done,
                "overdue": not done and as_utc(row.due_at) < now,
            }
        )
        for attempt in record.attempts.get(row.id, []):
            attempts.append({"row": attempt, "what": what, "review": _review(attempt, version)})
    attempts.sort(key=lambda item: as_utc(item["row"].at), reverse=True)
    return {
        "person": record.user,
        "assignments": assignments,
        "attempts": attempts,
        "acknowledgements": record.acknowledgements,
        "overdue": sum(1 for item in assignments if item["overdue"]),
    }


@router.get("/training/records/{username}")
def person_page(
    request: Request,
    username: str,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """Everything one person was assigned, attempted and acknowledged, newest first."""
    context = _context(records.user_record(session, who, username))
    context["sees_everyone"] = bool(may(who, "training.records.read"))
    context["own"] = who.user_id == context["person"].id
    return render(request, "training_person.html", context, who=who)


@router.get("/training/records/{username}/record.csv")
def person_csv(
    username: str,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """The person's assignments as the export's rows (the columns of /training/records.csv)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=records.EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(records.person_export_rows(session, who, username))
    name = f"training-record-{username}.csv"  # a username that exists: [a-z0-9._-] only
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
