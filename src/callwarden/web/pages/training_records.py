"""Training for the oversight roles in the console: the courses, the completion rates, overdue
counts and mean scores per course (or policy version) and team, every person with their counts
and a link to their record (`training_person.py`), the records as CSV, and publishing a course
from a pasted or uploaded YAML file.

The pages call the services the API and CLI call (`training.records`, `service.publish_course`),
so the roles and the audit are theirs. A course with problems is shown line by line as the policy
draft page shows a draft, and nothing is stored (the unit of work is rolled back whole).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Depends, File, Form, Query, Request, UploadFile
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.policy.loading import MAX_POLICY_BYTES
from callwarden.server.deps import database, read_session
from callwarden.server.paging import Cursor
from callwarden.training import records, service
from callwarden.training.course import CourseInvalid
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.policy_drafts import Draft, draft_from_form, problem_lines
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Training", "/training/records", "training.records.read", order=47, group=OVERSIGHT)
PEOPLE_PAGE = 100


def _subjects(session: Session, who: Principal) -> dict[str, str]:
    """Each course version's subject to its title (a policy version is named by its number)."""
    return {
        f"course:{row.id}": f"{row.title} (v{row.version})"
        for row in service.list_courses(session, who)
    }


def _subject_title(subject: str, titles: dict[str, str]) -> str:
    if subject.startswith("policy:"):
        return f"Policy version {subject.removeprefix('policy:')} (acknowledgement)"
    return titles.get(subject, subject)


@router.get("/training/records")
def overview(
    request: Request,
    course: str | None = Query(None, max_length=64),
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("training.records.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The courses published, the rates per subject and team (narrowed to one course), and a
    page of people by username, each linked to their record."""
    titles = _subjects(session, who)
    rates = [
        {"rate": rate, "title": _subject_title(rate.tally.subject, titles)}
        for rate in records.rates(session, who, course)
    ]
    context = {
        "courses": service.list_courses(session, who),
        "rates": rates,
        "people": records.people(session, who, cursor, PEOPLE_PAGE),
        "course": course or "",
        "may_publish": bool(may(who, "training.courses.publish")),
    }
    return render(request, "training_records.html", context, who=who)


@router.get("/training/records.csv")
def export(
    course: str | None = Query(None, max_length=64),
    who: Principal = Depends(console_requires("training.records.read")),
    session: Session = Depends(read_session),
) -> Response:
    """Every assignment with its attempts and acknowledgement, one row each (as the CLI's --csv)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=records.EXPORT_COLUMNS)
    writer.writeheader()
    writer.writerows(records.export_rows(session, who, course))
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="training-records.csv"'},
    )


def _form_page(
    request: Request, who: Principal, draft: Draft | None, problems: list[Any], status: int = 200
) -> Response:
    context = {
        "draft": draft,
        "problems": problems,
        "lines": problem_lines(draft.text, problems) if draft is not None and problems else [],
        "limit": MAX_POLICY_BYTES,
    }
    return render(request, "training_publish.html", context, who=who, status=status)


@router.get("/training/courses/new")
def publish_form(
    request: Request, who: Principal = Depends(console_requires("training.courses.publish"))
) -> Response:
    """Paste or upload a course's YAML (start from training/examples/recording-basics.yaml)."""
    return _form_page(request, who, None, [])


@router.post("/training/courses/new", dependencies=[Depends(csrf_checked)])
def publish(
    request: Request,
    document: str = Form(""),
    note: str = Form("", max_length=200),
    upload: UploadFile | None = File(None),
    who: Principal = Depends(console_requires("training.courses.publish")),
    db: Database = Depends(database),
) -> Response:
    """Publish the course and assign it to its audience; a course with problems is shown with
    each problem at its line, and nothing is stored."""
    draft = draft_from_form(document, note, upload)
    try:
        with db.unit_of_work() as session:
            published = service.publish_course(session, who, draft.text, draft.source)
            outcome = f"{published.version.course} v{published.version.version}"
            assigned = published.assigned
    except CourseInvalid as invalid:
        ordered = sorted(invalid.problems, key=lambda problem: (problem.line or 0, problem.path))
        return _form_page(request, who, draft, ordered, status=422)
    return redirect(request, f"/training/records?published={outcome}&assigned={assigned}")
