"""Routes for the recording policy: read, validate, apply new versions, render for employees."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.kit.inputs import QueryTimestamp, RequestModel, StoredInt
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.models import PolicyVersion
from callwarden.policy import service
from callwarden.policy.render import render
from callwarden.policy.schema import PolicyDocument
from callwarden.server.deps import database, read_session, requires
from callwarden.server.paging import Cursor, Limit

router = APIRouter(prefix="/v1/policy", tags=["policy"])


class PolicySubmission(RequestModel):
    document: str = Field(description="The policy YAML text.", max_length=512 * 1024)
    source: str = Field(default="api", max_length=200)
    effective_from: QueryTimestamp | None = Field(
        default=None,
        strict=False,
        description="When it takes effect; default now (UTC if no zone).",
    )


class PolicyVersionOut(BaseModel):
    version: int
    content_hash: str
    source: str
    applied_by: str
    applied_at: datetime
    effective_from: datetime
    law_version: str
    warnings: list[dict[str, Any]]
    document: str | None = Field(default=None, description="The YAML text (single versions).")
    policy: dict[str, Any] | None = Field(default=None, description="The parsed document.")


class AppliedVersion(PolicyVersionOut):
    created: bool = Field(description="False when this exact text was already in force.")


class DraftChecked(BaseModel):
    valid: bool
    warnings: list[dict[str, Any]]


def _version(row: PolicyVersion, include_text: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "version": row.version,
        "content_hash": row.content_hash,
        "source": row.source_name,
        "applied_by": row.applied_by,
        "applied_at": row.applied_at.isoformat(),
        "effective_from": row.effective_from.isoformat(),
        "law_version": row.law_version,
        "warnings": row.warnings,
    }
    if include_text:
        body.update(document=row.document, policy=row.parsed)
    return body


@router.get("", response_model=PolicyVersionOut)
def current(
    who: Principal = Depends(requires("policy.read")), session: Session = Depends(read_session)
) -> dict[str, Any]:
    """The policy in force now, with its text."""
    return _version(service.get_version(session), include_text=True)


@router.get("/versions", response_model=Page[PolicyVersionOut])
def versions(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(requires("policy.read")),
    session: Session = Depends(read_session),
) -> Page[PolicyVersionOut]:
    """The stored versions, oldest first (without their text)."""
    found = service.list_versions(session, cursor, limit)
    items = [PolicyVersionOut.model_validate(_version(row)) for row in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)


@router.get("/versions/{version}", response_model=PolicyVersionOut)
def version(
    version: StoredInt,
    who: Principal = Depends(requires("policy.read")),
    session: Session = Depends(read_session),
) -> dict[str, Any]:
    return _version(service.get_version(session, version), include_text=True)


@router.post("/validate", response_model=DraftChecked)
def validate(
    body: PolicySubmission, who: Principal = Depends(requires("policy.apply"))
) -> dict[str, Any]:
    """Check a draft without storing it; problems come back as a 422 problem with `problems`."""
    validated = service.validate_text(body.document, body.source)
    return {"valid": True, "warnings": [problem.as_dict() for problem in validated.warnings]}


@router.post(
    "/versions",
    status_code=201,
    response_model=AppliedVersion,
    responses={200: {"model": AppliedVersion, "description": "This text is already in force."}},
)
def apply(
    body: PolicySubmission,
    response: Response,
    who: Principal = Depends(requires("policy.apply")),
    db: Database = Depends(database),
) -> dict[str, Any]:
    """Validate and store a new version; an invalid policy never becomes a version."""
    effective = as_utc(body.effective_from) if body.effective_from else None
    with db.unit_of_work() as session:
        applied = service.apply(session, who, body.document, body.source, effective)
        if not applied.created:
            response.status_code = 200
        return {**_version(applied.version), "created": applied.created}


@router.get(
    "/rendered",
    response_class=PlainTextResponse,
    responses={
        200: {
            "description": "The policy as HTML (`format=html`) or Markdown (`format=md`).",
            "content": {"text/html": {}, "text/markdown": {}},
        }
    },
)
def rendered(
    format: Literal["md", "html"] = Query(default="html"),
    version: StoredInt | None = Query(default=None),
    who: Principal = Depends(requires("policy.read")),
    session: Session = Depends(read_session),
) -> Response:
    """The policy as a readable document for employees."""
    row = service.get_version(session, version)
    text = render(
        PolicyDocument.model_validate(row.parsed),
        format,
        row.version,
        row.effective_from.date().isoformat(),
    )
    return (
        HTMLResponse(text)
        if format == "html"
        else PlainTextResponse(text, media_type="text/markdown")
    )
