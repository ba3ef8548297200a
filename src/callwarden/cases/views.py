"""What each reader of a case sees: the one place that decides it, for the API, the CLI and the
console alike.

- The reporter (its filer, or whoever holds an anonymous case's code): the state, the due
  date, every entry meant for them (replies, their own messages, state changes, the decision
  with its reasons and what the outcome did). Never an internal note, and never who handles
  the case: the handler is "a compliance officer" to them, so a reporter cannot be leaned on
  through a name and a handler is not lobbied outside the case.
- A person named in it (`subject_user_id`: the reviewer of a disputed evaluation, the agent of
  a call a customer disputes): that a case exists, its kind, state, dates and decision, about
  what recording or evaluation; never who reported it, what they wrote, or any entry.
- Its handlers (the one assigned now, and before an appeal the first): everything.
- The oversight roles (`cases.read`: compliance officers not handling it, legal, auditors):
  everything but the reporter's identity — no reporter, no customer description, and the
  reporter's own messages signed "the reporter".

Anyone else does not see the case at all (the service answers NotFound). Reporter first, then
named: a compliance officer who is the subject of a case reads it as a named person, never
through their role.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from callwarden.cases.workflow import STATE_WORDS, State
from callwarden.identity.policies import may
from callwarden.identity.principal import Principal
from callwarden.kit.clock import as_utc
from callwarden.models import Case, CaseEntry, case_label

A_COMPLIANCE_OFFICER = "a compliance officer"
THE_REPORTER = "the reporter"


class Reader(StrEnum):
    REPORTER = "reporter"
    NAMED = "named"
    HANDLER = "handler"
    OVERSIGHT = "oversight"


def reader_of(principal: Principal, case: Case) -> Reader | None:
    """How `principal` reads `case`, or None: they do not see it."""
    me = principal.user_id
    if me is not None and me == case.reporter_user_id:
        return Reader.REPORTER
    if me is not None and me == case.subject_user_id:
        return Reader.NAMED
    handles = me is not None and me in (case.handler_user_id, case.first_handler_user_id)
    if handles and may(principal, "cases.handle"):
        return Reader.HANDLER
    if may(principal, "cases.read"):
        return Reader.OVERSIGHT
    return None


def _when(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


def label(case: Case) -> str:
    return case_label(case.number)


def overdue(case: Case, now: datetime) -> bool:
    """Still undecided after its due date (the policy's answer time)."""
    undecided = case.state in (State.OPEN.value, State.IN_REVIEW.value)
    return undecided and as_utc(case.due_at) < now


def _handler_shown(case: Case, reader: Reader, names: Mapping[str, str]) -> str | None:
    if case.handler_user_id is None:
        return None
    if reader in (Reader.REPORTER, Reader.NAMED):
        return A_COMPLIANCE_OFFICER
    return names.get(case.handler_user_id, case.handler_user_id)


def _name(user_id: str | None, names: Mapping[str, str]) -> str | None:
    return names.get(user_id, user_id) if user_id is not None else None


def summarise(case: Case, reader: Reader, now: datetime) -> dict[str, Any]:
    """One line of a list: no text beyond the summary, and none of it for a named person."""
    return {
        "case_id": case.id,
        "number": case.number,
        "label": label(case),
        "kind": case.kind,
        "state": case.state,
        "summary": None if reader is Reader.NAMED else case.summary,
        "anonymous": case.anonymous,
        "filed_at": _when(case.filed_at),
        "due_at": _when(case.due_at),
        "overdue": overdue(case, now),
        "outcome": case.outcome,
        "assigned": case.handler_user_id is not None,
        "view": reader.value,
    }


def _author(entry: CaseEntry, case: Case, reader: Reader, names: Mapping[str, str]) -> str:
    from_reporter = entry.kind in ("message", "appeal") and (
        entry.author_user_id is None or entry.author_user_id == case.reporter_user_id
    )
    if from_reporter:
        if reader is Reader.REPORTER:
            return "you"
        if reader is Reader.HANDLER and entry.author_user_id is not None:
            return names.get(entry.author_user_id, THE_REPORTER)
        return THE_REPORTER
    if reader is Reader.REPORTER:
        return A_COMPLIANCE_OFFICER
    return _name(entry.author_user_id, names) or A_COMPLIANCE_OFFICER


def _entries(
    case: Case, reader: Reader, entries: list[CaseEntry], names: Mapping[str, str]
) -> list[dict[str, Any]]:
    if reader is Reader.NAMED:
        return []
    shown = [e for e in entries if reader is not Reader.REPORTER or e.visibility == "reporter"]
    return [
        {
            "entry_id": entry.id,
            "kind": entry.kind,
            "visibility": entry.visibility,
            "author": _author(entry, case, reader, names),
            "body": entry.body,
            "at": _when(entry.at),
        }
        for entry in shown
    ]


def describe(
    case: Case,
    reader: Reader,
    entries: list[CaseEntry],
    names: Mapping[str, str],
    now: datetime,
) -> dict[str, Any]:
    """The whole case as `reader` may see it."""
    full = reader is Reader.HANDLER
    about_text = reader is not Reader.NAMED
    until = case.appeal_until
    return {
        **summarise(case, reader, now),
        "state_words": STATE_WORDS[State(case.state)],
        "details": case.details if about_text else None,
        "recording_id": case.recording_id,
        "evaluation_id": case.evaluation_id,
        "on_behalf_of": case.on_behalf_of if reader in (Reader.HANDLER, Reader.REPORTER) else None,
        "reporter": _name(case.reporter_user_id, names) if full else None,
        "subject": _name(case.subject_user_id, names) if reader is not Reader.REPORTER else None,
        "handler": _handler_shown(case, reader, names),
        "first_handler": (
            _name(case.first_handler_user_id, names)
            if reader in (Reader.HANDLER, Reader.OVERSIGHT)
            else None
        ),
        "decided_at": _when(case.decided_at),
        "decision_reasons": case.decision_reasons,
        "outcome_note": case.outcome_note,
        "appeal_until": _when(until),
        "appealed_at": _when(case.appealed_at),
        "may_appeal": (
            reader is Reader.REPORTER
            and case.state == State.DECIDED.value
            and case.appealed_at is None
            and until is not None
            and now <= as_utc(until)
        ),
        "closed_at": _when(case.closed_at),
        "hold_id": case.hold_id if reader is not Reader.REPORTER else None,
        "redo_evaluation_id": case.redo_evaluation_id,
        "disposal_id": case.disposal_id,
        "entries": _entries(case, reader, entries, names),
    }
