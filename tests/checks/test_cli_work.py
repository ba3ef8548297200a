"""Working a check finding from the shell: show it, acknowledge, accept as a risk, resolve;
each refusal one plain line and exit status 1; the moves audited as the OS user."""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from datetime import timedelta

from typer.testing import CliRunner

from callwarden.audit import service as audit
from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.checks.conftest import DAY
from tests.support import bulk

Seed = Callable[..., bulk.Row]


def test_a_finding_is_shown_and_worked_from_the_shell(
    settings: Settings, db: Database, seed: Seed
) -> None:
    overdue = seed(dispose_by=DAY - timedelta(days=3))
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()

    def shell(*words: str) -> tuple[int, str]:
        result = runner.invoke(cli, ["checks", *words], env=env)
        return result.exit_code, result.output

    day = f"{DAY:%Y-%m-%d}"
    assert shell("run", "--check", "retention", "--from", day, "--to", day)[0] == 0
    code, output = shell("findings", "--json")
    number = str(json.loads(output)["items"][0]["finding_id"])
    code, output = shell("finding", number)
    assert code == 0, output
    assert "(retention, high): open" in output and overdue.recording_id in output
    assert "rule: " in output and "history:\n  (not worked yet)" in output

    refusals = {
        ("acknowledge", "nope", "--reason", "x"): "error: no finding 'nope'",
        ("acknowledge", "999999", "--reason", "x"): "error: no check finding 999999",
        ("acknowledge", number): "error: a reason is required",
        ("acknowledge", number, "--reason", "  "): "error: a reason is required",
        ("accept-risk", number, "--reason", "ok", "--expires", "2020-01-01"): "in the future",
        ("accept-risk", number, "--reason", "ok", "--expires", "soon"): "not a date such as",
        ("accept-risk", number, "--reason", "ok"): "needs --expires YYYY-MM-DD",
        ("finding", "0"): "error: no finding '0'",
    }
    for words, expected in refusals.items():
        code, output = shell(*words)
        assert code == 1 and expected in output, (words, output)
        assert len(output.strip().splitlines()) == 1, output  # one plain line

    code, output = shell("acknowledge", number, "--reason", "sweep stopped, <b>looking</b>")
    assert code == 0 and f"finding {number} is now acknowledged" in output, output
    code, output = shell("acknowledge", number, "--reason", "again")
    assert code == 1 and "is acknowledged; acknowledge needs it to be one of: open" in output
    later = (clock.now() + timedelta(days=30)).date().isoformat()
    code, output = shell("accept-risk", number, "--reason", "waiting on legal", "--expires", later)
    assert code == 0 and f"now accepted_risk: waiting on legal (until {later}" in output, output
    code, output = shell("resolve", number, "--reason", "swept by hand")
    assert code == 0 and "now resolved: swept by hand" in output

    code, output = shell("finding", number, "--json")
    shown = json.loads(output)
    assert [step["action"] for step in shown["history"]] == [
        "finding.acknowledged",
        "finding.accepted_risk",
        "finding.resolved",
    ]
    assert {step["actor"] for step in shown["history"]} == {f"cli:{getpass.getuser()}"}
    code, output = shell("finding", number)
    assert f"finding {number} (retention, high): resolved: swept by hand" in output
    assert "finding.resolved by cli:" in output and ": swept by hand" in output
    with db.reading() as session:
        events = audit.find(session, audit.EventFilter(action="finding.resolved"), None, 10)
        assert [event.target for event in events.rows] == [f"check_finding:{number}"]
