"""`callwarden retention preview --policy FILE`: what applying a draft would do to the schedules.

Registered on the shared `retention` group in `retention/cli.py`; reads only, writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import typer

from callwarden.cli_support import console, new_table, print_json, reading
from callwarden.kit import clock
from callwarden.kit.errors import InvalidInput
from callwarden.policy import service as policies
from callwarden.retention.preview import Preview, as_of_moment, preview

POLICY_OPTION = typer.Option(..., "--policy", help="The draft policy file (YAML).")
AS_OF_OPTION = typer.Option(
    None, "--as-of", help="Judge what is due at this date (midnight UTC) or ISO time; default now."
)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read {path}: {error}") from None


def _print(found: Preview) -> None:
    title = f"If applied (as of {found.as_of:%Y-%m-%d %H:%M} UTC)"
    table = new_table("recordings", "count", title=title)
    for label, count in (
        ("disposed of earlier", found.earlier),
        ("disposed of later", found.later),
        ("unchanged", found.unchanged),
        ("not concerned (none of their purposes in the draft)", found.not_concerned),
        ("would become due at once", found.due_at_once),
        ("  of which kept by a legal hold", found.kept_by_holds),
        ("already due", found.already_due),
    ):
        table.add_row(label, f"{count:,}")
    console.print(table)
    if found.holds:
        held = new_table("hold", "matter", "keeps", keep_whole=("hold",), title="Holds keeping")
        for hold in found.holds:
            held.add_row(hold.hold_id, hold.matter, f"{hold.count:,}")
        console.print(held)


def preview_command(
    policy: Path = POLICY_OPTION,
    as_of: str | None = AS_OF_OPTION,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """How many recordings a draft policy moves earlier or later, makes due at once, and which
    holds keep some of them; nothing is applied."""
    moment = as_of_moment(as_of) if as_of is not None else clock.now()
    document = policies.validate_text(_read(policy), str(policy)).document
    with reading() as session:
        found = preview(session, document, moment)
    if as_json:
        print_json(found.as_dict())
    else:
        _print(found)
