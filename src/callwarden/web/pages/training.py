"""A person's own training in the console ("My training"): their assignments, a course's
modules and quiz, the result of an attempt, and acknowledging the policy in force.

Every page calls the training services the API calls, with the signed-in person as the
principal: someone else's assignment answers as one that does not exist. The quiz form is built
from `quiz.public_questions`, so the right answers are never in the page; the attempt is scored
on the server. Module text goes through `training.markdown.render_markdown` (the one place that
decides course HTML is safe); the policy is shown as the Markdown staff acknowledge, and the
acknowledge form carries the sha256 the server computed of that same text.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.clock import as_utc
from callwarden.kit.errors import NotFound
from callwarden.models import TrainingAssignment
from callwarden.policy import service as policies
from callwarden.server.deps import database, read_session
from callwarden.training import acknowledging, service
from callwarden.training.markdown import render_markdown
from callwarden.training.quiz import public_questions
from callwarden.training.repository import COMPLETED
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import WORK, NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("My training", "/training/mine", "training.read_own", order=37, group=WORK)
MAX_CHOICES = 20  # a question has at most 20 options (`course.Question`)


def _titles(session: Session, who: Principal) -> dict[str, str]:
    return {
        row.id: f"{row.title} (version {row.version})" for row in service.list_courses(session, who)
    }


def _listed(row: TrainingAssignment, titles: dict[str, str]) -> dict[str, Any]:
    done = row.state == COMPLETED
    if row.course_version_id is not None:
        what, kind = titles.get(row.course_version_id, row.subject), "course"
    else:
        what, kind = f"The call recording policy, version {row.policy_version}", "policy"
    return {
        "row": row,
        "what": what,
        "kind": kind,
        "done": done,
        "overdue": not done and as_utc(row.due_at) < clock.now(),
        "href": "/training/policy" if kind == "policy" else f"/training/assignments/{row.id}",
    }


@router.get("/training/mine")
def mine(
    request: Request,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """The person's assignments, newest first, overdue ones marked."""
    titles = _titles(session, who)
    rows = [_listed(row, titles) for row in service.my_assignments(session, who)]
    return render(request, "training_mine.html", {"assignments": rows}, who=who)


def _course_context(session: Session, who: Principal, assignment_id: str) -> dict[str, Any]:
    row = service.own_assignment(session, who, assignment_id)
    if row.course_version_id is None:
        raise NotFound("a policy acknowledgement has no course page")
    version = service.get_course(session, who, row.course_version_id)
    course = service.document_of(version)
    attempts = service.own_attempts(session, who, row.id)
    quiz = public_questions(course)
    left = None if course.quiz is None else max(course.quiz.attempts - len(attempts), 0)
    return {
        "assignment": _listed(row, {version.id: version.title}),
        "course_version": version,
        "course": course,
        "modules": [
            (module, render_markdown(module.content, headings_below=2)) for module in course.modules
        ],
        "quiz": quiz,
        "attempts": attempts,
        "attempts_left": left,
        "passed": any(attempt.passed for attempt in attempts),
    }


@router.get("/training/assignments/{assignment_id}")
def course_page(
    request: Request,
    assignment_id: str,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """The course's modules, and its quiz (questions and options only) or "mark as read"."""
    context = _course_context(session, who, assignment_id)
    return render(request, "training_course.html", context, who=who)


async def quiz_answers(request: Request) -> dict[str, list[str]]:
    """The options ticked, by question: fields named `q-<question id>` (a few at most each)."""
    form = await request.form()
    answers: dict[str, list[str]] = {}
    for name, value in form.multi_items():
        if name.startswith("q-") and isinstance(value, str):
            chosen = answers.setdefault(name[2:200], [])
            if len(chosen) < MAX_CHOICES:
                chosen.append(value[:200])
    return answers


@router.post("/training/assignments/{assignment_id}/quiz", dependencies=[Depends(csrf_checked)])
def take_quiz(
    request: Request,
    assignment_id: str,
    answers: dict[str, list[str]] = Depends(quiz_answers),
    who: Principal = Depends(console_requires("training.take")),
    db: Database = Depends(database),
) -> Response:
    """Score the attempt on the server; a quiz already passed or out of attempts is refused."""
    with db.unit_of_work() as session:
        service.take_quiz(session, who, assignment_id, answers)
    return redirect(request, f"/training/assignments/{assignment_id}/result")


@router.get("/training/assignments/{assignment_id}/result")
def result(
    request: Request,
    assignment_id: str,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """The latest attempt: its score, passed or not, and on failure the modules to review."""
    context = _course_context(session, who, assignment_id)
    if not context["attempts"]:
        raise NotFound("no attempt at this quiz yet")
    latest = context["attempts"][-1]
    review = [context["course"].module(module_id) for module_id in latest.review]
    context |= {"latest": latest, "review": [module for module in review if module is not None]}
    return render(request, "training_result.html", context, who=who)


@router.post("/training/assignments/{assignment_id}/read", dependencies=[Depends(csrf_checked)])
def mark_read(
    request: Request,
    assignment_id: str,
    who: Principal = Depends(console_requires("training.take")),
    db: Database = Depends(database),
) -> Response:
    """Complete a course with no quiz: the person says they have read its modules."""
    with db.unit_of_work() as session:
        service.mark_read(session, who, assignment_id)
    return redirect(request, "/training/mine?done=read")


@router.get("/training/policy")
def policy_page(
    request: Request,
    who: Principal = Depends(console_requires("training.read_own")),
    session: Session = Depends(read_session),
) -> Response:
    """The policy in force as staff read it, what changed when the change is material, and the
    acknowledge button (its form names the hash of exactly this text)."""
    row = policies.get_version(session)
    changed = acknowledging.what_changed_in(session, row)
    acknowledged = who.user_id is not None and any(
        ack.policy_version == row.version for ack in service.my_acknowledgements(session, who)
    )
    context = {
        "policy_version": row.version,
        "text": render_markdown(acknowledging.staff_text(row), headings_below=1),
        "text_sha256": acknowledging.staff_text_sha256(row),
        "changed": changed,
        "changed_html": render_markdown(changed.content, headings_below=2)
        if changed is not None
        else None,
        "acknowledged": acknowledged,
    }
    return render(request, "training_policy.html", context, who=who)


@router.post("/training/policy/acknowledge", dependencies=[Depends(csrf_checked)])
def acknowledge(
    request: Request,
    version: int = Form(..., ge=1, le=2**31 - 1),
    text_sha256: str = Form(..., max_length=64),
    who: Principal = Depends(console_requires("training.take")),
    db: Database = Depends(database),
) -> Response:
    """Acknowledge the version in force; a stale page (another version, another text) is
    refused with what to do."""
    with db.unit_of_work() as session:
        acknowledging.acknowledge_policy(session, who, version, text_sha256)
    return redirect(request, "/training/mine?done=acknowledged")
