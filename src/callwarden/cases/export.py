"""A case's PDF for the file: everything a handler's record holds, on A4, in one document.

`html` lays the case out (its facts, the protections on its recording, every entry marked "to
the reporter" or "internal", and the decision with its reasons and what the outcome did) and
`render_pdf` prints that through WeasyPrint, with the case's number and "Page n of N" in the
margins, as the compliance report does. Both take the rows as the caller read them and read
nothing themselves, so the caller decides who may export and the audit event says so; the
moment of the export is the clock's.

Who reported the case is shown only with `include_reporter`: otherwise the reporter, the
customer they filed for, who entered it and the author of the reporter's own messages read
"withheld" (an anonymous reporter is "anonymous" either way), and so does the person concerned
when that is the reporter (a private call's agent), so a copy made for someone named
in the case never tells them who raised it. Everything people wrote is escaped by the
template's autoescaping: a `<script>` in a case's text prints as those characters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from callwarden.cases import wording
from callwarden.kit import clock
from callwarden.models import Case, CaseEntry, LegalHold, RecordingRestriction
from callwarden.reports.wording import moment

TEMPLATES = Path(__file__).parent / "templates"
WITHHELD = "withheld"
ANONYMOUS = "anonymous"
VISIBILITY = {"reporter": "to the reporter", "internal": "internal"}
ENTRY_KINDS = {
    "filed": "filed",
    "reply": "reply",
    "message": "message",
    "note": "note",
    "state": "state change",
    "decision": "decision",
    "appeal": "appeal",
}

environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


environment.filters["moment"] = moment  # "2026-11-03 10:00 UTC", as the report writes it


@dataclass(frozen=True)
class Shown:
    """One entry as printed: when, what, to whom, by whom, and its text."""

    at: datetime
    kind: str
    visibility: str
    internal: bool
    author: str
    body: str


@dataclass(frozen=True)
class People:
    """Who the case names, in words, after the reporter has been withheld or not."""

    reporter: str
    on_behalf_of: str | None
    filed_by: str
    subject: str
    handler: str
    first_handler: str | None


def _name(user_id: str | None, names: Mapping[str, str], missing: str = "—") -> str:
    if user_id is None:
        return missing
    return names.get(user_id, user_id)


def people(case: Case, names: Mapping[str, str], include_reporter: bool) -> People:
    if case.anonymous:
        reporter = ANONYMOUS
    elif include_reporter:
        reporter = _name(case.reporter_user_id, names)
    else:
        reporter = WITHHELD
    behalf = case.on_behalf_of if include_reporter else (WITHHELD if case.on_behalf_of else None)
    return People(
        reporter=reporter,
        on_behalf_of=behalf,
        filed_by=case.filed_by if include_reporter else WITHHELD,
        subject=(
            WITHHELD
            if not include_reporter
            and case.subject_user_id == case.reporter_user_id
            and case.subject_user_id is not None
            else _name(case.subject_user_id, names)
        ),
        handler=_name(case.handler_user_id, names, "not assigned"),
        first_handler=(
            _name(case.first_handler_user_id, names) if case.first_handler_user_id else None
        ),
    )


def author(entry: CaseEntry, case: Case, names: Mapping[str, str], include_reporter: bool) -> str:
    """Who wrote an entry; the reporter's own are "the reporter" unless the reporter is shown."""
    if entry.author_user_id is None:
        return "the reporter (anonymous)" if case.anonymous else "—"
    if entry.author_user_id == case.reporter_user_id and not include_reporter:
        return f"the reporter ({WITHHELD})"
    return _name(entry.author_user_id, names)


def shown(
    entries: Sequence[CaseEntry], case: Case, names: Mapping[str, str], include_reporter: bool
) -> list[Shown]:
    """The entries in the order they were written (by time, then id)."""
    return [
        Shown(
            at=entry.at,
            kind=ENTRY_KINDS.get(entry.kind, entry.kind),
            visibility=VISIBILITY.get(entry.visibility, entry.visibility),
            internal=entry.visibility != "reporter",
            author=author(entry, case, names, include_reporter),
            body=entry.body,
        )
        for entry in sorted(entries, key=lambda e: (_utc(e.at), e.id))
    ]


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def html(
    case: Case,
    entries: Sequence[CaseEntry],
    names: Mapping[str, str],
    include_reporter: bool,
    *,
    restrictions: Sequence[RecordingRestriction],
    hold: LegalHold | None,
) -> str:
    """The case as one HTML document, its CSS inside (what `render_pdf` prints).

    `names` maps user ids to how people are named (a missing id prints as itself);
    `restrictions` are the case's `recording_restrictions` rows and `hold` its legal hold (the
    row `case.hold_id` names), so the protections are printed as they stand."""
    number = wording.number(case.number)
    return environment.get_template("case_export.html.j2").render(
        case=case,
        number=number,
        kind=wording.kind(case.kind),
        state=wording.state(case.state),
        outcome=wording.outcome(case.outcome),
        late=case.decided_at is not None and _utc(case.decided_at) > _utc(case.due_at),
        people=people(case, names, include_reporter),
        entries=shown(entries, case, names, include_reporter),
        restrictions=sorted(restrictions, key=lambda r: _utc(r.placed_at)),
        hold=hold,
        exported_at=clock.now(),
    )


def render_pdf(
    case: Case,
    entries: Sequence[CaseEntry],
    names: Mapping[str, str],
    include_reporter: bool,
    *,
    restrictions: Sequence[RecordingRestriction],
    hold: LegalHold | None,
) -> bytes:
    """The case as an A4 PDF (WeasyPrint, imported here: only the PDF needs it)."""
    from weasyprint import HTML

    page = html(case, entries, names, include_reporter, restrictions=restrictions, hold=hold)
    document: bytes = HTML(string=page).write_pdf()
    return document
