"""The command line: init is idempotent, errors are one line with a non-zero exit, serve serves."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from callwarden.cli import app
from tests.support.postgres import free_port

runner = CliRunner()


def test_init_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    first = runner.invoke(app, ["init"], env=env)
    assert first.exit_code == 0, first.output
    assert "password" in first.output and "created" in first.output
    assert (tmp_path / "var" / "callwarden.db").exists()
    assert oct((tmp_path / "var").stat().st_mode & 0o777) == "0o700"
    second = runner.invoke(app, ["init"], env=env)
    assert second.exit_code == 0
    assert "already initialised: nothing changed" in second.output
    assert "password" not in second.output
    verify = runner.invoke(app, ["audit", "verify"], env=env)
    assert verify.exit_code == 0 and "2 events" in verify.output  # admin created, policy applied


def test_cli_errors_are_one_line_and_exit_non_zero(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    runner.invoke(app, ["init"], env=env)
    result = runner.invoke(app, ["users", "create", "zoe", "--role", "wizard"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: unknown role 'wizard'; valid roles: admin, compliance_officer, supervisor, "
        "qa_reviewer, agent, legal, auditor, integration"
    ]
    duplicate = runner.invoke(app, ["users", "create", "admin", "--role", "agent"], env=env)
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output


def test_commands_before_init_say_what_to_do(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["users", "list"], env={"CALLWARDEN_DATA_DIR": str(tmp_path / "none")}
    )
    assert result.exit_code == 1
    assert "run `callwarden init` first" in result.output


def test_invalid_settings_fail_with_one_clear_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["users", "list"], env={"CALLWARDEN_BIND_PORT": "eighty"})
    assert result.exit_code == 1
    assert result.output.startswith("error: invalid setting CALLWARDEN_BIND_PORT")
    bad_db = runner.invoke(app, ["users", "list"], env={"CALLWARDEN_DATABASE_URL": "mysql://x"})
    assert bad_db.exit_code == 1 and "CALLWARDEN_DATABASE_URL" in bad_db.output


def test_tokens_create_list_revoke(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    runner.invoke(app, ["init"], env=env)
    assert runner.invoke(app, ["users", "create-service", "ops-bot"], env=env).exit_code == 0
    created = runner.invoke(app, ["tokens", "create", "--user", "ops-bot", "--days", "7"], env=env)
    assert created.exit_code == 0
    plaintext = created.output.strip().splitlines()[-1]
    assert plaintext.startswith("cwt_tok_")
    token_id = plaintext.removeprefix("cwt_").split(".")[0]
    listed = runner.invoke(app, ["tokens", "list", "--json"], env=env)
    assert token_id in listed.output and plaintext not in listed.output
    assert runner.invoke(app, ["tokens", "revoke", token_id], env=env).exit_code == 0
    again = runner.invoke(app, ["tokens", "revoke", token_id], env=env)
    assert again.exit_code == 1 and "already revoked" in again.output


def test_audit_export_writes_json_lines(tmp_path: Path) -> None:
    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var")}
    runner.invoke(app, ["init"], env=env)
    out = tmp_path / "trail.jsonl"
    result = runner.invoke(app, ["audit", "export", "--output", str(out)], env=env)
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert len(lines) == 2 and '"action": "user.created"' in lines[0]


def test_serve_answers_health_on_the_configured_port(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CALLWARDEN_DATA_DIR": str(tmp_path / "var"),
        "CALLWARDEN_BIND_PORT": str(port),
    }
    env.pop("CALLWARDEN_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "callwarden", "init"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "callwarden", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert response.json()["status"] == "ok"
    finally:
        server.terminate()
        server.wait(10)


HEAVY_LIBRARIES = ("scipy", "numpy", "sqlalchemy", "boto3", "fastapi", "pydantic", "yaml")


def test_importing_the_cli_imports_no_heavy_library() -> None:
    probe = (
        "import sys, callwarden.cli; "
        f"print(' '.join(name for name in {HEAVY_LIBRARIES!r} if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []


def test_help_lists_every_command_without_importing_it() -> None:
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from callwarden.cli import app\n"
        "result = CliRunner().invoke(app, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(result.output)\n"
        f"print('LOADED', *(name for name in {HEAVY_LIBRARIES!r} if name in sys.modules))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip().splitlines()[-1] == "LOADED"
    for command in ("init", "serve", "users", "tokens", "audit", "law", "policy", "decide"):
        assert f" {command} " in output


def test_each_lazy_command_has_the_help_of_what_it_loads() -> None:
    from callwarden.cli import RootGroup
    from callwarden.cli_support import LazyCommand

    for name, (target, help_text) in RootGroup.lazy_commands.items():
        loaded = LazyCommand(name, target, help_text).load()
        assert loaded.name == name
        first_line = (loaded.help or "").strip().splitlines()[0]
        assert first_line == help_text, name


def test_a_lazy_command_runs_and_shows_its_own_help(tmp_path: Path) -> None:
    help_result = runner.invoke(app, ["law", "--help"])
    assert help_result.exit_code == 0 and "show" in help_result.output
    decide_help = runner.invoke(app, ["decide", "--help"])
    assert decide_help.exit_code == 0 and "--explain" in decide_help.output
    recordings_help = runner.invoke(app, ["recordings", "--help"])
    assert recordings_help.exit_code == 0 and "import" in recordings_help.output
    shown = runner.invoke(app, ["law", "show", "US-CA"])
    assert shown.exit_code == 0 and "California" in shown.output


def test_tables_never_cut_ids(tmp_path: Path) -> None:
    from callwarden.calls import service as calls
    from callwarden.calls.schemas import CallCreate
    from callwarden.config import load_settings
    from callwarden.identity.principal import cli_principal
    from callwarden.runtime import open_database

    env = {"CALLWARDEN_DATA_DIR": str(tmp_path / "var"), "COLUMNS": "80"}
    runner.invoke(app, ["init"], env=env)
    long_name = "integration-bot-for-the-eastern-region"
    runner.invoke(app, ["users", "create-service", long_name, "--name", "Bot"], env=env)
    created = runner.invoke(
        app, ["tokens", "create", "--user", long_name, "--name", "x" * 40], env=env
    )
    token_id = created.output.strip().splitlines()[-1].removeprefix("cwt_").split(".")[0]
    os.environ["CALLWARDEN_DATA_DIR"] = env["CALLWARDEN_DATA_DIR"]
    try:
        db = open_database(load_settings())
        facts = {
            "direction": "inbound",
            "parties": [{"role": "customer", "number": "+14155550123"}, {"role": "agent"}],
        }
        with db.unit_of_work() as session:
            call_id = calls.create_call(
                session, cli_principal(), CallCreate.model_validate(facts)
            ).call.id
        db.dispose()
    finally:
        del os.environ["CALLWARDEN_DATA_DIR"]
    for command, identifier in (
        (["tokens", "list"], token_id),
        (["users", "list"], long_name),
        (["calls", "list"], call_id),
    ):
        for columns in ("80", "60"):
            result = runner.invoke(app, command, env={**env, "COLUMNS": columns})
            assert result.exit_code == 0, result.output
            assert identifier in result.output, f"{command}: {identifier} cut in\n{result.output}"


def _wait_for_health(server: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).raise_for_status()
            return
        except httpx.TransportError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise
            time.sleep(0.2)


def test_serve_init_prints_the_password_last_and_a_second_run_is_refused(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "CALLWARDEN_DATA_DIR": str(tmp_path / "var"),
        "CALLWARDEN_BIND_PORT": str(port),
        "COLUMNS": "100",
    }
    env.pop("CALLWARDEN_DATABASE_URL", None)
    command = [sys.executable, "-m", "callwarden", "serve", "--init"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_health(server, port)
        second = subprocess.run(command, env=env, capture_output=True, text=True)
        assert second.returncode == 1
        assert second.stdout == ""  # nothing started, nothing initialised
        message = second.stderr.strip().splitlines()
        assert len(message) == 1 and "already serving" in message[0]
        assert f"pid {server.pid}" in message[0]
        elsewhere = {**env, "CALLWARDEN_DATA_DIR": str(tmp_path / "other")}
        same_port = subprocess.run(command, env=elsewhere, capture_output=True, text=True)
        assert same_port.returncode == 1 and same_port.stdout == ""
        assert f"127.0.0.1:{port} is already in use" in same_port.stderr
        assert not (tmp_path / "other").exists()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    lines = [line for line in output.decode().splitlines() if line.strip()]
    password_line = next(i for i, line in enumerate(lines) if "password" in line)
    assert "Administrator login" in lines[password_line - 2]
    # After the box only its bottom border, then the line saying where the server listens.
    assert lines[password_line + 1 :][-1].startswith("callwarden serving on")
    assert all("created" not in line for line in lines[password_line:])
    restarted = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        _wait_for_health(restarted, port)  # the lock went with the first server
    finally:
        restarted.terminate()
        restarted.communicate(timeout=20)
