"""`callwarden cases file|list|show|reply|note|assign|review|decide|appeal|close|export|keep-hold`.

A case is always someone's: the filer, the handler, the reporter appealing. The shell's
operator names that person with `--as USERNAME` and acts with their stored role, so the same
checks run as through the API (a handler must still be eligible, a reporter still the one who
filed). The audit trail names both: `cli:<os user> as user:<username>`. An anonymous concern
needs no `--as`: nothing of the filer is kept either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from sqlalchemy.orm import Session

from callwarden.cases import exporting, legal, service
from callwarden.cases.filing import Filing
from callwarden.cli_support import (
    CURSOR_OPTION,
    LIMIT_OPTION,
    console,
    new_app,
    new_table,
    print_json,
    print_page,
    reading,
    unit_of_work,
)
from callwarden.config import load_settings
from callwarden.identity import service as identities
from callwarden.identity.principal import Principal, cli_principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import InvalidInput
from callwarden.kit.files import write_atomically

app = new_app("Concerns and disputes: file, list, show, and handle them (reply, decide, close).")
AS_OPTION = typer.Option(..., "--as", help="The person acting (username).")
JSON_OPTION = typer.Option(False, "--json")


def _acting(session: Session, username: str) -> Principal:
    user = identities.user_named(session, username)
    if user.disabled_at is not None:
        raise InvalidInput(f"user {username!r} is disabled")
    return Principal(
        actor=f"{cli_principal().actor} as user:{user.username}",
        role=Role(user.role),
        user_id=user.id,
        username=user.username,
        team_id=user.team_id,
    )


def _anonymous() -> Principal:
    """An anonymous concern's filer from the shell: no one (cases.file needs a person's role)."""
    return Principal(actor="anonymous", role=Role.AGENT)


def _print(case: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(case)
        return
    console.print(
        f"{case['label']} {case['kind']}: {case['state_words']}, due {case['due_at']}; "
        f"handler: {case['handler'] or 'not yet assigned'}",
        highlight=False,
        markup=False,
    )
    if case["summary"] is not None:
        console.print(case["summary"], highlight=False, markup=False)
    if case["outcome"] is not None:
        console.print(f"decision: {case['outcome']}: {case['decision_reasons']}", markup=False)
    for entry in case["entries"]:
        console.print(
            f"  [{entry['at']}] {entry['kind']} ({entry['visibility']}) by {entry['author']}: "
            f"{entry['body']}",
            highlight=False,
            markup=False,
        )


@app.command("file")
def file_case(
    kind: str = typer.Option(
        ..., help="concern, private_call, evaluation_dispute or recording_dispute"
    ),
    summary: str = typer.Option(..., help="One line."),
    details: str = typer.Option(..., help="The account."),
    as_user: str | None = typer.Option(None, "--as", help="The person filing (username)."),
    anonymous: bool = typer.Option(False, "--anonymous", help="A concern, keeping no identity."),
    recording: str | None = typer.Option(None, help="The recording's id."),
    evaluation: str | None = typer.Option(None, help="The QA evaluation's id."),
    on_behalf_of: str | None = typer.Option(None, help="The customer, for their dispute."),
    subject: str | None = typer.Option(None, help="A concern's person, by username."),
    as_json: bool = JSON_OPTION,
) -> None:
    """File a case; an anonymous concern prints its follow-up code, once."""
    given = Filing(kind, summary, details, anonymous, recording, evaluation, on_behalf_of, subject)
    with unit_of_work() as session:
        if as_user is None and not anonymous:
            raise InvalidInput("name the person filing with --as USERNAME (or --anonymous)")
        who = _anonymous() if as_user is None else _acting(session, as_user)
        filed = service.file_case(session, who, given)
        shown = service.shown_to_filer(session, filed)
    if as_json:
        print_json({"case": shown, "joined": filed.joined, "follow_up_code": filed.code})
        return
    verb = "joined" if filed.joined else "filed"
    console.print(f"{shown['label']} {verb}: {shown['case_id']}", highlight=False)
    if filed.code is not None:
        console.print(f"follow-up code (shown once, keep it): {filed.code}", highlight=False)


@app.command("list")
def list_cases(
    as_user: str = AS_OPTION,
    scope: str = typer.Option("mine", help="mine, handling or all"),
    state: str | None = typer.Option(None, help="open, in_review, decided or closed"),
    kind: str | None = typer.Option(None, help="A case kind."),
    cursor: str | None = CURSOR_OPTION,
    limit: int = LIMIT_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Cases you reported, handle, or (the oversight roles) all of them; newest first."""
    with reading() as session:
        found = service.list_cases(
            session, _acting(session, as_user), scope, state, kind, cursor, limit
        )
    table = new_table("case", "kind", "state", "due", "overdue", "summary", keep_whole=("case",))
    for row in found.rows:
        table.add_row(
            row["label"],
            row["kind"],
            row["state"],
            row["due_at"],
            "yes" if row["overdue"] else "",
            row["summary"] or "",
        )
    print_page(found.rows, found.next_cursor, as_json, table)


@app.command("show")
def show(case: str, as_user: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """A case (its id or CASE-0001) as you may see it."""
    with reading() as session:
        shown = service.show(session, _acting(session, as_user), case)
    _print(shown, as_json)


def _then_show(session: Session, who: Principal, case_id: str, as_json: bool) -> None:
    _print(service.show(session, who, case_id), as_json)


@app.command("reply")
def reply(case: str, body: str, as_user: str = AS_OPTION) -> None:
    """A reply to the reporter (the handler)."""
    with unit_of_work() as session:
        entry_id = service.reply(session, _acting(session, as_user), case, body).id
    console.print(f"reply {entry_id} added", highlight=False)


@app.command("note")
def note(case: str, body: str, as_user: str = AS_OPTION) -> None:
    """An internal note, never shown to the reporter (the handler)."""
    with unit_of_work() as session:
        entry_id = service.note(session, _acting(session, as_user), case, body).id
    console.print(f"note {entry_id} added", highlight=False)


@app.command("assign")
def assign(
    case: str,
    handler: str = typer.Option(..., help="The compliance officer (username)."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Give a case to another compliance officer (checked as at filing)."""
    with unit_of_work() as session:
        who = _acting(session, as_user)
        row = service.assign(session, who, case, handler)
        _then_show(session, who, row.id, as_json)


@app.command("review")
def review(case: str, as_user: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Start the review of an open case (the handler)."""
    with unit_of_work() as session:
        who = _acting(session, as_user)
        _then_show(session, who, service.start_review(session, who, case).id, as_json)


@app.command("decide")
def decide(
    case: str,
    outcome: str = typer.Option(..., help="upheld, partly_upheld or not_upheld"),
    reasons: str = typer.Option(..., help="Shown to the reporter."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Decide a case in review, with reasons; the outcome then acts."""
    config = load_settings()
    with unit_of_work() as session:
        who = _acting(session, as_user)
        case_id = service.decide(session, who, case, outcome, reasons, config).id
    with unit_of_work() as session:
        service.remove_destroyed_audio(session, config, case_id)
        _then_show(session, who, case_id, as_json)


@app.command("appeal")
def appeal(
    case: str,
    reason: str = typer.Option(..., help="Why the decision is wrong."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Appeal a decision once, within the policy's window (the reporter)."""
    with unit_of_work() as session:
        who = _acting(session, as_user)
        _then_show(session, who, service.appeal(session, who, case, reason).id, as_json)


@app.command("close")
def close(
    case: str,
    reason: str = typer.Option(..., help="Shown to the reporter."),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Close a decided case once it can no longer be appealed (the handler)."""
    with unit_of_work() as session:
        who = _acting(session, as_user)
        _then_show(session, who, service.close(session, who, case, reason).id, as_json)


@app.command("export")
def export(
    case: str,
    output: Path = typer.Option(..., "-o", "--output", help="Where to write the PDF."),
    as_user: str = AS_OPTION,
) -> None:
    """Export a case for the file as a PDF (its handlers and the oversight roles)."""
    with unit_of_work() as session:
        made = exporting.export_pdf(session, _acting(session, as_user), case)
    write_atomically(output, made.pdf)
    console.print(f"wrote {made.filename} ({len(made.pdf):,} bytes) to {output}")


@app.command("keep-hold")
def keep_hold(
    case: str,
    reason: str = typer.Option(..., help="Why the recording must be kept (or not)."),
    release: bool = typer.Option(
        False, "--release", help="Release the hold when the case closes (the default)."
    ),
    as_user: str = AS_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Legal: keep a recording dispute's hold after its case closes (or, with --release, not)."""
    with unit_of_work() as session:
        who = _acting(session, as_user)
        row = legal.keep_hold(session, who, case, not release, reason)
        _then_show(session, who, row.id, as_json)
