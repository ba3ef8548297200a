"""The API's shapes for data-subject requests, and how a request row is described."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from callwarden.kit.inputs import RequestModel
from callwarden.models import SubjectRequest
from callwarden.subjects.deadlines import Deadline


class SubjectRequestIn(RequestModel):
    kind: Literal["access", "erasure"]
    numbers: list[str] = Field(min_length=1, max_length=20, description="E.164 phone numbers")
    law: Literal["gdpr", "uk-gdpr", "ccpa"]
    received_at: str = Field(max_length=40, description="ISO 8601 with a time zone")
    identity_verification: str = Field(max_length=2000, description="How identity was checked")
    verified_by: str = Field(max_length=120, description="Who checked it")


class Closing(RequestModel):
    outcome: str = Field(max_length=2000, description="What was done, in words (required)")


class MilestoneOut(BaseModel):
    what: str
    due_at: str
    citation: str
    uncertain: str | None


class SubjectRequestOut(BaseModel):
    request_id: str
    kind: str
    numbers: list[str]
    law: str
    received_at: str
    due_at: str
    latest_if_extended: str
    milestones: list[MilestoneOut]
    notice: str
    identity_verification: str
    verified_by: str
    state: str
    opened_by: str
    opened_at: str
    found: dict[str, Any] | None
    letter: str | None
    closed_by: str | None
    closed_at: str | None
    outcome: dict[str, Any] | None


class ErasureOut(BaseModel):
    request_id: str
    sweep_id: str | None
    calls: int
    erased: list[str]
    kept: dict[str, list[dict[str, Any]]]
    already_gone: list[str]
    letter: str


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def describe(request: SubjectRequest, due: Deadline) -> dict[str, Any]:
    return {
        "request_id": request.id,
        "kind": request.kind,
        "numbers": list(request.numbers),
        "law": request.law,
        "received_at": request.received_at.isoformat(),
        "due_at": request.due_at.isoformat(),
        "latest_if_extended": due.latest_if_extended.isoformat(),
        "milestones": [
            {
                "what": m.what,
                "due_at": m.due_at.isoformat(),
                "citation": m.citation,
                "uncertain": m.uncertain,
            }
            for m in due.milestones
        ],
        "notice": due.notice,
        "identity_verification": request.identity_verification,
        "verified_by": request.verified_by,
        "state": request.state,
        "opened_by": request.opened_by,
        "opened_at": request.opened_at.isoformat(),
        "found": request.found,
        "letter": request.letter,
        "closed_by": request.closed_by,
        "closed_at": _iso(request.closed_at),
        "outcome": request.outcome,
    }


class VconParty(BaseModel):
    tel: str | None = Field(default=None, description="E.164")
    role: str
    uuid: str = Field(description="the party's key on the call")
    civicaddress: dict[str, str] | None = None


class VconDialog(BaseModel):
    type: str = Field(description="recording, or incomplete for a call never recorded")
    start: str
    duration: float | None = None
    parties: list[int]
    mediatype: str | None = None
    filename: str | None = Field(default=None, description="the audio's name inside an export")
    content_hash: str | None = Field(default=None, description="sha256-<base64url>")
    disposition: str | None = None
    state: str


class VconInline(BaseModel):
    """An attachment or an analysis: inline JSON about one dialog."""

    purpose: str | None = None
    type: str | None = None
    start: str | None = None
    party: int | None = None
    dialog: int
    vendor: str | None = None
    product: str | None = None
    schema_: str | None = Field(default=None, alias="schema")
    mediatype: str
    encoding: Literal["json"]
    body: dict[str, Any]


class VconOut(BaseModel):
    """A call as a vCon document (draft-ietf-vcon-vcon-core, unsigned JSON form)."""

    vcon: str
    uuid: str
    created_at: str
    subject: str
    extensions: list[str]
    parties: list[VconParty]
    dialog: list[VconDialog]
    attachments: list[VconInline]
    analysis: list[VconInline]
