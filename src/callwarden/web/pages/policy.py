"""Policy: the policy in force as staff read it, its version history with readable diffs, and
checking and applying a draft.

Every step calls the policy service the API calls: `validate_text` for a draft (the same checks
as `POST /v1/policy/validate`, with the same roles) and `apply` for a new version (the same
audited apply as `POST /v1/policy/versions`). Applying has a confirm step that shows the law's
warnings and the change against the version in force before anything is stored.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, File, Form, Request, UploadFile
from markupsafe import Markup
from sqlalchemy.orm import Session
from starlette.responses import Response

from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.kit.inputs import StoredInt
from callwarden.models import PolicyVersion
from callwarden.policy import service
from callwarden.policy.compare import line_diff
from callwarden.policy.loading import MAX_POLICY_BYTES
from callwarden.policy.problems import PolicyInvalid, Problem
from callwarden.policy.render import render_fragment
from callwarden.policy.schema import PolicyDocument
from callwarden.retention import preview as retention_preview
from callwarden.server.deps import database, read_session
from callwarden.server.paging import Cursor
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import RULES, NavEntry
from callwarden.web.policy_drafts import Draft, draft_from_form, problem_lines
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Policy", "/policy", "policy.read", order=50, group=RULES)
VERSIONS_PER_PAGE = 50


def _in_force(session: Session) -> PolicyVersion | None:
    try:
        return service.get_version(session)
    except NotFound:
        return None


def _rendered(row: PolicyVersion) -> Markup:
    return render_fragment(
        PolicyDocument.model_validate(row.parsed),
        row.version,
        row.effective_from.date().isoformat(),
    )


@router.get("/policy")
def current(
    request: Request,
    who: Principal = Depends(console_requires("policy.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The policy in force, as the employees' document renders it."""
    row = _in_force(session)
    context = {
        "row": row,
        "rendered": _rendered(row) if row is not None else None,
        "may_apply": bool(may(who, "policy.apply")),
    }
    return render(request, "policy_current.html", context, who=who)


@router.get("/policy/versions")
def versions(
    request: Request,
    cursor: Cursor = None,
    who: Principal = Depends(console_requires("policy.read")),
    session: Session = Depends(read_session),
) -> Response:
    """Every stored version: who applied it, when, from when it applies, and its note."""
    found = service.list_versions(session, cursor, VERSIONS_PER_PAGE)
    in_force = _in_force(session)
    context = {
        "may_apply": bool(may(who, "policy.apply")),
        "rows": found.rows,
        "next_cursor": found.next_cursor,
        "in_force": in_force.version if in_force is not None else None,
    }
    return render(request, "policy_versions.html", context, who=who)


@router.get("/policy/versions/{version}")
def version(
    request: Request,
    version: StoredInt,
    who: Principal = Depends(console_requires("policy.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One version: what changed against the one before it, its warnings, its text."""
    row = service.get_version(session, version)
    previous = service.get_version(session, version - 1) if version > 1 else None
    changes = line_diff(previous.document, row.document) if previous is not None else None
    context = {
        "may_apply": bool(may(who, "policy.apply")),
        "row": row,
        "previous": previous,
        "changes": changes,
        "rendered": _rendered(row),
        "outcome": request.query_params.get("outcome"),
    }
    return render(request, "policy_version.html", context, who=who)


@router.get("/policy/draft")
def draft_form(
    request: Request, who: Principal = Depends(console_requires("policy.apply"))
) -> Response:
    """Upload or paste a draft to check it (the API's validate needs `policy.apply` too)."""
    context = {"limit": MAX_POLICY_BYTES, "text": "", "note": ""}
    return render(request, "policy_draft.html", context, who=who)


def _validated(draft: Draft) -> tuple[list[Problem], PolicyDocument | None]:
    try:
        validated = service.validate_text(draft.text, draft.source)
    except PolicyInvalid as invalid:
        return sorted(invalid.problems, key=_line_order), None
    return sorted(validated.warnings, key=_line_order), validated.document


def _preview(session: Session, who: Principal, document: PolicyDocument | None) -> dict[str, Any]:
    """What the draft would do to the stored recordings' schedules, now (retention.preview).

    The holds' matters are named only to the roles that read holds; others see the counts.
    """
    if document is None:
        return {"preview": None, "holds_shown": False}
    found = retention_preview.preview(session, document, clock.now())
    return {"preview": found, "holds_shown": may(who, "holds.read")}


def _line_order(problem: Problem) -> tuple[int, str]:
    return (problem.line or 0, problem.path)


def _draft_page(
    request: Request,
    who: Principal,
    draft: Draft,
    status: int = 200,
    db: Database | None = None,
) -> Response:
    problems, document = _validated(draft)
    valid = document is not None
    previewed: dict[str, Any] = {"preview": None, "holds_shown": False}
    if db is not None and valid:
        with db.reading() as session:
            previewed = _preview(session, who, document)
    context = {
        **previewed,
        "draft": draft,
        "problems": problems,
        "valid": valid,
        "errors": sum(problem.severity == "error" for problem in problems),
        "lines": problem_lines(draft.text, problems),
        "limit": MAX_POLICY_BYTES,
    }
    return render(
        request, "policy_draft_checked.html", context, who=who, status=200 if valid else status
    )


@router.post("/policy/draft", dependencies=[Depends(csrf_checked)])
def check_draft(
    request: Request,
    document: str = Form(""),
    note: str = Form("", max_length=200),
    upload: UploadFile | None = File(None),
    who: Principal = Depends(console_requires("policy.apply")),
    db: Database = Depends(database),
) -> Response:
    """Check a draft: every problem against its line, the draft's lines shown beside them, and
    for a valid one what it would do to the recordings' schedules if applied now."""
    draft = draft_from_form(document, note, upload)
    return _draft_page(request, who, draft, status=422, db=db)


@router.post("/policy/apply/confirm", dependencies=[Depends(csrf_checked)])
def confirm_apply(
    request: Request,
    document: str = Form(""),
    note: str = Form("", max_length=200),
    who: Principal = Depends(console_requires("policy.apply")),
    session: Session = Depends(read_session),
) -> Response:
    """Before applying: the law's problems with the draft, and what it changes in force."""
    draft = draft_from_form(document, note, None)
    problems, checked = _validated(draft)
    if checked is None:
        return _draft_page(request, who, draft, status=422)
    current_row = _in_force(session)
    context = {
        **_preview(session, who, checked),
        "draft": draft,
        "problems": problems,
        "in_force": current_row,
        "changes": line_diff(current_row.document, draft.text) if current_row else None,
    }
    return render(request, "policy_confirm.html", context, who=who)


@router.post("/policy/apply", dependencies=[Depends(csrf_checked)])
def apply(
    request: Request,
    document: str = Form(""),
    note: str = Form("", max_length=200),
    who: Principal = Depends(console_requires("policy.apply")),
    db: Database = Depends(database),
) -> Response:
    """Store the draft as a new version through the API's service (validated and audited)."""
    draft = draft_from_form(document, note, None)
    try:
        with db.unit_of_work() as session:
            applied = service.apply(session, who, draft.text, draft.source)
            number = applied.version.version
    except PolicyInvalid:
        return _draft_page(request, who, draft, status=422)
    outcome = "applied" if applied.created else "unchanged"
    return redirect(request, f"/policy/versions/{number}?outcome={outcome}")
