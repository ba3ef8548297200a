"""`callwarden demo`: a realistic synthetic month in an empty data directory, to try the console.

The people's passwords are printed once, at the end, in one table: nothing else prints after it
but the line saying where the console will be.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from callwarden.cli_support import console, new_table
from callwarden.demo.defects import MANIFEST
from callwarden.demo.scenarios import MINIMUM_CALLS

if TYPE_CHECKING:
    from callwarden.demo.fill import DemoReport


@contextmanager
def _progress() -> Iterator[Callable[[str, int], Callable[[], None]]]:
    """A bar per stage (calls, recordings, audio check), for `fill` to advance."""
    columns = (
        TextColumn("{task.description:<12}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:

        def stage(name: str, total: int) -> Callable[[], None]:
            task = progress.add_task(name, total=total)
            return lambda: progress.advance(task)

        yield stage


def demo(
    calls: int = typer.Option(
        200, "--calls", min=MINIMUM_CALLS, max=5000, help="How many calls to make."
    ),
    days: int = typer.Option(30, "--days", min=1, max=365, help="Over how many past days."),
    seed: int | None = typer.Option(
        None, "--seed", min=0, help="Draw the same month again (the passwords stay random)."
    ),
) -> None:
    """Fill an empty data directory with a synthetic month of calls, recordings and findings."""
    from callwarden.config import load_settings
    from callwarden.demo.fill import fill, refuse_if_used

    settings = load_settings()
    refuse_if_used(settings, days)  # one plain line, before anything is printed or written
    chosen = seed if seed is not None else secrets.randbelow(2**31)
    console.print(
        f"demo: {calls} calls over {days} days into {settings.data_dir.resolve()} (seed {chosen})",
        highlight=False,
    )
    with _progress() as stage:
        report = fill(settings, calls, days, chosen, stage)
    counts = ", ".join(f"{kind} {count}" for kind, count in report.findings.items())
    voice = "espeak-ng" if report.espeak else "tones (install espeak-ng for speech)"
    console.print(
        f"{report.calls} calls, {report.recordings} recordings "
        f"({report.refused_recordings} refused by the ledger), {report.violations} refused "
        f"events; voices: {voice}; {report.seconds:.1f} s\nfindings: {counts or 'none'}",
        highlight=False,
    )
    console.print(report.training, markup=False, highlight=False)
    _print_checks(report)
    table = new_table("username", "role", "team", "password", title="Demo sign-ins (shown once)")
    for user in report.users:
        table.add_row(user.username, user.role, user.team or "", user.password)
    console.print(table)
    console.print(
        f"Console: http://{settings.bind_host}:{settings.bind_port}/ once this data is served "
        f"(make demo, or CALLWARDEN_DATA_DIR={settings.data_dir} callwarden serve)",
        highlight=False,
    )


def _print_checks(report: DemoReport) -> None:
    """The month's check run, and each seeded defect with the finding that shows it."""
    counts = ", ".join(f"{name} {count}" for name, count in report.checks.items())
    console.print(f"check run {report.check_run}: {counts or 'no findings'}", highlight=False)
    for name, error in report.check_errors.items():
        console.print(f"check {name} FAILED: {error}", markup=False, highlight=False)
    console.print(f"seeded defects (also in {MANIFEST}):", highlight=False)
    for expected, finding in report.seeded:
        shown = f"finding {finding}" if finding is not None else "NOT FOUND"
        console.print(
            f"  {expected.defect} -> {expected.check}: {shown} ({expected.names()})",
            markup=False,
            highlight=False,
        )
