"""The API's shapes for cases. What a reader sees is decided in `views.py`; these only say the
shape, with every field a reader may be left without as nullable."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from callwarden.cases.codes import MAX_CODE_TEXT
from callwarden.kit.inputs import RequestModel

MAX_TEXT = 20_000  # an account, a reply or the reasons: a few pages at most
KindName = Literal["concern", "private_call", "evaluation_dispute", "recording_dispute"]
OutcomeName = Literal["upheld", "partly_upheld", "not_upheld"]
StateName = Literal["open", "in_review", "decided", "closed"]


class CaseIn(RequestModel):
    kind: KindName
    summary: str = Field(min_length=1, max_length=200, description="One line, in your words.")
    details: str = Field(min_length=1, max_length=MAX_TEXT, description="Your account.")
    anonymous: bool = Field(
        default=False,
        description="A concern only: keep nothing of who you are; a follow-up code is returned "
        "once, and is the only way back into the case.",
    )
    recording_id: str | None = Field(default=None, min_length=1, max_length=40)
    evaluation_id: str | None = Field(default=None, min_length=1, max_length=40)
    on_behalf_of: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="A recording dispute entered for a customer (compliance, legal): who they are.",
    )
    subject: str | None = Field(
        default=None, min_length=1, max_length=64, description="A concern's person, by username."
    )


class TextIn(RequestModel):
    body: str = Field(min_length=1, max_length=MAX_TEXT)


class AssignIn(RequestModel):
    handler: str = Field(
        min_length=1, max_length=64, description="A compliance officer's username."
    )


class DecideIn(RequestModel):
    outcome: OutcomeName
    reasons: str = Field(min_length=1, max_length=MAX_TEXT, description="Shown to the reporter.")


class ReasonIn(RequestModel):
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class KeepHoldIn(RequestModel):
    keep: bool = Field(description="true: the hold stays after the case closes (legal's call).")
    reason: str = Field(min_length=1, max_length=MAX_TEXT)


class FollowUpIn(RequestModel):
    code: str = Field(min_length=1, max_length=MAX_CODE_TEXT, description="The follow-up code.")
    message: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    appeal: bool = Field(default=False, description="Appeal the decision; `message` says why.")


class EntryOut(BaseModel):
    entry_id: str
    kind: str
    visibility: str
    author: str
    body: str
    at: str | None


class CaseSummaryOut(BaseModel):
    case_id: str
    number: int
    label: str
    kind: str
    state: str
    summary: str | None
    anonymous: bool
    filed_at: str | None
    due_at: str | None
    overdue: bool
    outcome: str | None
    assigned: bool
    view: str = Field(description="How you read it: reporter, named, handler or oversight.")


class CaseOut(CaseSummaryOut):
    state_words: str
    details: str | None
    recording_id: str | None
    evaluation_id: str | None
    on_behalf_of: str | None
    reporter: str | None
    subject: str | None
    handler: str | None
    first_handler: str | None
    decided_at: str | None
    decision_reasons: str | None
    outcome_note: str | None
    appeal_until: str | None
    appealed_at: str | None
    may_appeal: bool
    closed_at: str | None
    hold_id: str | None
    redo_evaluation_id: str | None
    disposal_id: str | None
    entries: list[EntryOut]


class FiledOut(BaseModel):
    case: CaseOut
    joined: bool = Field(description="A private-call request joined the case already open.")
    follow_up_code: str | None = Field(
        description="An anonymous concern's code, shown this once and never again: keep it."
    )
