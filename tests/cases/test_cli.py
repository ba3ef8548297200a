"""`callwarden cases …` from the shell: the whole process acting as named people, one plain
line and a non-zero exit for what is refused."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from callwarden.cli import app as cli
from callwarden.config import Settings
from callwarden.db import Database
from tests.cases.conftest import ADAS_CALL, BENS_CALL, Org


def test_a_case_from_the_shell(settings: Settings, db: Database, org: Org) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(settings.data_dir), "CALLWARDEN_DATABASE_URL": db.url}
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        done = runner.invoke(cli, ["cases", *args], env=env)
        return done.exit_code, done.output

    code, out = run("file", "--as", "ada", "--kind", "private_call", "--summary", "personal",
                    "--details", "a call with my doctor", "--recording", ADAS_CALL)  # fmt: skip
    assert code == 0 and "CASE-0001 filed" in out, out
    code, out = run("file", "--as", "ada", "--kind", "private_call", "--summary", "s",
                    "--details", "d", "--recording", BENS_CALL)  # fmt: skip
    assert code == 1 and out.strip() == f"error: no recording {BENS_CALL!r} of yours", out
    code, out = run("file", "--anonymous", "--kind", "concern", "--summary", "s", "--details", "d")
    assert code == 0 and "follow-up code (shown once, keep it):" in out, out
    code, out = run("list", "--as", "ada", "--json")
    assert code == 0 and [row["label"] for row in json.loads(out)["items"]] == ["CASE-0001"]
    assert run("review", "CASE-0001", "--as", "olga")[0] == 0
    code, out = run("reply", "CASE-0001", "we will remove it", "--as", "olga")
    assert code == 0 and "reply cen_" in out
    assert run("note", "CASE-0001", "check the hold register", "--as", "olga")[0] == 0
    code, out = run("decide", "CASE-0001", "--as", "oscar", "--outcome", "upheld",
                    "--reasons", "r")  # fmt: skip
    assert code == 1 and "only the case's handler" in out, out
    code, out = run("decide", "CASE-0001", "--as", "olga", "--outcome", "upheld",
                    "--reasons", "it was personal", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["outcome"] == "upheld", out
    code, out = run("show", "CASE-0001", "--as", "ada")
    assert code == 0 and "we will remove it" in out and "check the hold" not in out, out
    assert "a compliance officer" in out and "olga" not in out
    code, out = run("close", "CASE-0001", "--as", "olga", "--reason", "done")
    assert code == 1 and "may appeal until" in out, out
    code, out = run("appeal", "CASE-0001", "--as", "ada", "--reason", "I want it gone sooner")
    assert code == 0, out
    code, out = run("show", "CASE-0001", "--as", "oscar", "--json")
    assert json.loads(out)["handler"] == "oscar"
    code, out = run("assign", "CASE-0001", "--as", "oscar", "--handler", "sue")
    assert code == 1 and "not a compliance officer" in out, out
    code, out = run("show", "CASE-0001", "--as", "nobody")
    assert code == 1 and "no user named 'nobody'" in out
