"""Subject requests: the list, the open form, one request's page, its export, erasure, letter.

The same service functions the API calls (`subjects.service`, `.erasure`, `.workflows`), so a
role sees and does exactly what the API lets it. Erasure has a confirm step that shows, changing
nothing, which recordings would go and which an exception keeps, and asks for a tick.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Form, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response, StreamingResponse

from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.errors import InvalidInput
from callwarden.kit.pagination import DEFAULT_LIMIT
from callwarden.server.deps import database, read_session, settings
from callwarden.server.paging import Cursor, Limit
from callwarden.subjects import erasure, service, workflows
from callwarden.subjects.deadlines import LAWS
from callwarden.subjects.schemas import describe
from callwarden.web.deps import console_requires, csrf_checked
from callwarden.web.nav import OVERSIGHT, NavEntry
from callwarden.web.routing import page_router, redirect
from callwarden.web.templating import render

router = page_router()
NAV = NavEntry("Subject requests", "/subjects", "subjects.read", order=40, group=OVERSIGHT)
LAW_NAMES = {"gdpr": "GDPR (EU)", "uk-gdpr": "UK GDPR", "ccpa": "CCPA / CPRA (California)"}


def letter_blocks(text: str | None) -> list[tuple[str, str]]:
    """The letter's Markdown as (kind, text) blocks the template escapes: h2, h3, li, sub, p."""
    blocks: list[tuple[str, str]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if line.startswith("# "):
            blocks.append(("h2", line[2:]))
        elif line.startswith("## "):
            blocks.append(("h3", line[3:]))
        elif line.startswith("  - "):
            blocks.append(("sub", line[4:]))
        elif line.startswith("- "):
            blocks.append(("li", line[2:]))
        else:
            blocks.append(("p", line.strip("_")))
    return blocks


@router.get("/subjects")
def subjects_list(
    request: Request,
    state: str | None = Query(default=None, max_length=16),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(console_requires("subjects.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The requests, oldest first, and (for those who answer them) the form to open one."""
    found = service.list_requests(session, who, state or None, cursor, limit)
    context = {
        "title": "Subject requests",
        "requests": [describe(row, service.deadline_of(row)) for row in found.rows],
        "next_cursor": found.next_cursor,
        "state": state or "",
        "may_manage": bool(may(who, "subjects.manage")),
        "laws": [(law, LAW_NAMES[law]) for law in LAWS],
    }
    return render(request, "subjects_list.html", context, who=who)


def _received(text: str) -> str:
    """A datetime-local value (no zone) is UTC, as the form says."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput("received_at: say when the request was received")
    has_zone = cleaned.endswith("Z") or "+" in cleaned[10:] or "-" in cleaned[10:]
    return cleaned if has_zone else cleaned + "+00:00"


@router.post("/subjects", dependencies=[Depends(csrf_checked)])
def open_request(
    request: Request,
    kind: str = Form(max_length=16),
    numbers: str = Form(max_length=1000),
    law: str = Form(max_length=16),
    received_at: str = Form(max_length=40),
    identity_verification: str = Form(max_length=2000),
    verified_by: str = Form(max_length=120),
    who: Principal = Depends(console_requires("subjects.manage")),
    db: Database = Depends(database),
) -> Response:
    listed = [part for part in numbers.replace(",", "\n").splitlines() if part.strip()]
    with db.unit_of_work() as session:
        opened = service.open_request(
            session,
            who,
            kind=kind,
            numbers=listed,
            law=law,
            received_at=_received(received_at),
            identity_verification=identity_verification,
            verified_by=verified_by,
        )
        request_id = opened.id
    return redirect(request, f"/subjects/{request_id}")


@router.get("/subjects/{request_id}")
def subject_page(
    request: Request,
    request_id: str,
    who: Principal = Depends(console_requires("subjects.read")),
    session: Session = Depends(read_session),
) -> Response:
    """One request: the person's numbers, identity check, deadline and what is due when, what
    was found, the actions for its kind, the response letter and the outcome."""
    row = service.get(session, who, request_id)
    shown = describe(row, service.deadline_of(row))
    context: dict[str, Any] = {
        "title": f"Subject request {row.id}",
        "item": shown,
        "law_name": LAW_NAMES[row.law],
        "may_manage": bool(may(who, "subjects.manage")),
        "letter": letter_blocks(row.letter),
    }
    return render(request, "subjects_page.html", context, who=who)


@router.post("/subjects/{request_id}/find", dependencies=[Depends(csrf_checked)])
def find(
    request: Request,
    request_id: str,
    who: Principal = Depends(console_requires("subjects.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        service.find(session, who, request_id)
    return redirect(request, f"/subjects/{request_id}#found")


@router.get("/subjects/{request_id}/export")
def export(
    request_id: str,
    who: Principal = Depends(console_requires("subjects.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    """The access export's zip, as the API gives it."""
    file, _manifest = workflows.build_export(db, config, who, request_id)
    headers = {
        "Content-Disposition": f'attachment; filename="{request_id}.zip"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(
        workflows.streamed(file), media_type="application/zip", headers=headers
    )


@router.get("/subjects/{request_id}/erase")
def erase_confirm(
    request: Request,
    request_id: str,
    who: Principal = Depends(console_requires("subjects.manage")),
    session: Session = Depends(read_session),
) -> Response:
    """The confirm step: which recordings would be destroyed, which kept and why."""
    row = service.get(session, who, request_id)
    if row.kind != "erasure" or row.state != "open":
        raise InvalidInput("only an open erasure request can be erased")
    judged = erasure.preview(session, who, request_id)
    context = {
        "title": f"Erase for {row.id}",
        "item": describe(row, service.deadline_of(row)),
        "erasable": [rec for rec, kept in judged if rec.state == "stored" and not kept],
        "kept": [(rec, [k.as_json() for k in kept]) for rec, kept in judged if kept],
        "gone": [rec for rec, _ in judged if rec.state != "stored"],
    }
    return render(request, "subjects_erase.html", context, who=who)


@router.post("/subjects/{request_id}/erase", dependencies=[Depends(csrf_checked)])
def erase(
    request: Request,
    request_id: str,
    confirm: str = Form(default="", max_length=8),
    who: Principal = Depends(console_requires("subjects.manage")),
    db: Database = Depends(database),
    config: Settings = Depends(settings),
) -> Response:
    if confirm != "yes":
        raise InvalidInput("tick the box to confirm: erased recordings are destroyed for good")
    workflows.run_erasure(db, config, who, request_id)
    return redirect(request, f"/subjects/{request_id}#letter")


@router.post("/subjects/{request_id}/close", dependencies=[Depends(csrf_checked)])
def close(
    request: Request,
    request_id: str,
    outcome: str = Form(default="", max_length=2000),
    who: Principal = Depends(console_requires("subjects.manage")),
    db: Database = Depends(database),
) -> Response:
    with db.unit_of_work() as session:
        service.close(session, who, request_id, outcome)
    return redirect(request, f"/subjects/{request_id}")
