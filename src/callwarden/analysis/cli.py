"""`callwarden analyze …`: check a recording by hand, for people and for scripts.

Each command reads a file, runs one detector, and prints either a short readable table or, with
`--json`, a document a script can rely on. Any problem with the input (missing file, not audio,
truncated, absurd header) is one plain line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from callwarden.analysis.audio import decode
from callwarden.analysis.dtmf import detect_dtmf
from callwarden.analysis.notice import DEFAULT_THRESHOLD, NoticeMatch, detect_notice, prepare_prompt
from callwarden.analysis.redact import redact_file
from callwarden.analysis.speech import SpeechSettings, detect_speech
from callwarden.cli_support import new_table
from callwarden.kit.errors import CallwardenError

app = typer.Typer(
    help="Verify recordings from their audio: announcement, keypresses, speech, redaction.",
    no_args_is_help=True,
    add_completion=False,
)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


class FillChoice(StrEnum):
    silence = "silence"
    tone = "tone"


@contextmanager
def _plain_errors() -> Iterator[None]:
    try:
        yield
    except CallwardenError as error:
        typer.echo(f"error: {error.detail}", err=True)
        raise typer.Exit(1) from None


def _emit_json(document: dict[str, Any]) -> None:
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


@app.command("notice")
def notice_command(
    recording: Path = typer.Argument(..., help="The call recording."),
    prompt: Path = typer.Option(..., "--prompt", "-p", help="The announcement audio."),
    threshold: float = typer.Option(DEFAULT_THRESHOLD, help="Score needed to call it played."),
    within: float | None = typer.Option(
        None, "--within", help="Only accept a prompt starting in the first N seconds."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Was the announcement played in the recording, where, and on which channel?

    Exit status 1 when it was not found, so a script can act on the answer without parsing it.
    """
    with _plain_errors():
        prepared = prepare_prompt(decode(prompt), name=prompt.name)
        match = detect_notice(
            decode(recording), prepared, threshold=threshold, latest_start_s=within
        )
    if as_json:
        _emit_json(match.as_dict())
    else:
        _print_notice(match, prompt.name)
    if not match.detected:
        raise typer.Exit(1)


def _print_notice(match: NoticeMatch, prompt_name: str) -> None:
    console = Console()
    verdict = "[green]played[/green]" if match.detected else "[red]not found[/red]"
    where = f" at {match.offset_s:.2f} s on channel {match.channel}" if match.detected else ""
    console.print(
        f"announcement {prompt_name}: {verdict}{where} (score {match.score:.3f}, "
        f"threshold {match.threshold:.2f})"
    )
    table = new_table("channel", "score", "best offset (s)")
    for item in match.per_channel:
        table.add_row(str(item.channel), f"{item.score:.3f}", f"{item.offset_s:.2f}")
    console.print(table)


@app.command("dtmf")
def dtmf_command(
    recording: Path = typer.Argument(..., help="The call recording."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List every keypress (digit, start, end, channel)."""
    with _plain_errors():
        presses = detect_dtmf(decode(recording))
    if as_json:
        _emit_json({"digits": [press.as_dict() for press in presses]})
        return
    console = Console()
    if not presses:
        console.print("no keypresses found")
        return
    table = new_table("digit", "start (s)", "end (s)", "channel")
    for press in presses:
        table.add_row(press.digit, f"{press.start_s:.3f}", f"{press.end_s:.3f}", str(press.channel))
    console.print(table)
    console.print(f"digits: {''.join(press.digit for press in presses)}", highlight=False)


@app.command("speech")
def speech_command(
    recording: Path = typer.Argument(..., help="The call recording."),
    dead_air: float = typer.Option(
        10.0, "--dead-air", help="Silence on all channels this long (s) is dead air."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Speech, silence and dead-air spans per channel."""
    with _plain_errors():
        found = detect_speech(decode(recording), SpeechSettings(dead_air_s=dead_air))
    if as_json:
        _emit_json(found.as_dict())
        return
    console = Console()
    table = new_table("channel", "speech (s)", "speech spans", "noise floor (dBFS)")
    for channel in found.channels:
        table.add_row(
            str(channel.channel),
            f"{channel.speech_s:.1f}",
            str(len(channel.speech)),
            f"{channel.noise_floor_dbfs:.1f}",
        )
    console.print(table)
    if found.dead_air:
        for span in found.dead_air:
            console.print(
                f"dead air {span.start_s:.2f}–{span.end_s:.2f} s ({span.duration_s:.1f} s)"
            )
    else:
        console.print(f"no dead air (no silence of {dead_air:g} s or more on every channel)")


@app.command("redact-dtmf")
def redact_command(
    source: Path = typer.Argument(..., help="The recording to redact."),
    destination: Path = typer.Argument(..., help="Where to write the redacted copy."),
    fill: FillChoice = typer.Option(FillChoice.silence, help="Replace keypresses with this."),
    pad: float = typer.Option(0.04, help="Seconds blanked either side of each keypress."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Blank every keypress (same length and encoding) and prove no DTMF remains."""
    with _plain_errors():
        result = redact_file(source, destination, fill=fill.value, pad_s=pad)
    if as_json:
        _emit_json(result.as_dict())
        return
    console = Console()
    console.print(
        f"redacted {len(result.removed)} keypress(es) in {len(result.redacted)} span(s); "
        f"re-detection on {destination.name}: {'clean' if result.clean else 'NOT clean'}",
        highlight=False,
    )
