"""`callwarden law ...` through Typer's test runner."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from callwarden.law import KnowledgeBase
from callwarden.law.cli import app

runner = CliRunner()


def test_list_table(kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    for code in ("US-CA", "US-MI", "DE", "CA-ON", "AU-NSW"):
        assert code in result.stdout
    assert kb.version in result.stdout
    assert "notice (from CA)" in result.stdout


def test_list_json(kb: KnowledgeBase) -> None:
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["version"] == kb.version
    rows = {row["code"]: row for row in document["jurisdictions"]}
    assert len(rows) == len(kb.jurisdictions)
    assert rows["US-DE"]["rule"] == "unclear" and rows["US-DE"]["uncertain"] is True
    assert rows["CA-QC"]["rule_from"] == "CA"


def test_show_is_readable_and_cites() -> None:
    result = runner.invoke(app, ["show", "US-CA"])
    assert result.exit_code == 0
    text = result.stdout
    assert "Rule (phone calls): all-party" in text
    assert "Cal. Penal Code § 632" in text
    assert "(inherited) 18 U.S.C. § 2511" in text
    assert "notice_and_continue" in text
    assert "Open points" in text and "LoanMe" in text
    assert "This is not legal advice: " in text


def test_show_unclear_explains_how_decisions_read_it() -> None:
    result = runner.invoke(app, ["show", "us-mi"])
    assert result.exit_code == 0
    assert "Decisions apply: all-party" in result.stdout
    assert "Uncertain: YES" in result.stdout


def test_show_json() -> None:
    result = runner.invoke(app, ["show", "DE", "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["jurisdiction"]["parent"] == "EU"
    assert document["effective"]["lineage"] == ["DE", "EU"]
    assert document["disclaimer"].startswith("This is not legal advice")


def test_show_unknown_code_is_one_line_on_stderr() -> None:
    result = runner.invoke(app, ["show", "US-CX"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "US-CA" in lines[0] and "Unknown jurisdiction" in lines[0]


def test_show_unknown_code_json_still_fails_plainly() -> None:
    result = runner.invoke(app, ["show", "ZZ", "--json"])
    assert result.exit_code == 1 and result.stdout == ""


def test_sectors_list_show_and_json() -> None:
    listing = runner.invoke(app, ["sectors"], env={"COLUMNS": "120"})
    assert listing.exit_code == 0
    assert "mifid-ii" in listing.stdout and "at least 5 years, 7 years on request" in listing.stdout
    assert "P5Y" not in listing.stdout  # periods read as words, not ISO 8601
    shown = runner.invoke(app, ["sectors", "mifid-ii"])
    assert "Minimum retention: 5 years" in shown.stdout
    assert "Extended retention (on request): 7 years" in shown.stdout
    document = json.loads(runner.invoke(app, ["sectors", "--json"]).stdout)
    assert {s["id"] for s in document["sectors"]} >= {"pci-dss", "hipaa"}
    missing = runner.invoke(app, ["sectors", "mifid"])
    assert missing.exit_code == 1 and "mifid-ii" in missing.stderr
