"""`callwarden analyze …` through Typer's test runner: JSON contracts, tables, clean errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from callwarden.analysis import decode, detect_dtmf, resample
from callwarden.analysis.cli import app
from tests.support.corpus.scenarios import Corpus
from tests.support.corpus.tones import dial, overlay
from tests.support.corpus.voice import SYNTH_RATE

WriteAudio = Callable[..., Path]

runner = CliRunner()


@pytest.fixture
def files(corpus: Corpus, write_audio: WriteAudio, tmp_path: Path) -> dict[str, Path]:
    prompt = corpus.announcements[0]
    talk = resample(corpus.speech_pool[0], SYNTH_RATE, 8000)
    agent = np.concatenate([np.zeros(8000, np.float32), resample(prompt, SYNTH_RATE, 8000), talk])
    caller = overlay(np.zeros_like(agent), dial("5#", lead_s=0.0)[0], 2.0)
    garbage = tmp_path / "garbage.wav"
    garbage.write_bytes(b"RIFF, but then nonsense " * 20)
    return {
        "prompt": write_audio("prompt.wav", prompt, SYNTH_RATE),
        "call": write_audio("call.wav", np.stack([agent, caller], axis=1), 8000, "ULAW"),
        "other": write_audio("other.wav", talk, 8000),
        "garbage": garbage,
    }


def test_notice_json(files: dict[str, Path]) -> None:
    result = runner.invoke(
        app, ["notice", "--prompt", str(files["prompt"]), str(files["call"]), "--json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["detected"] is True and document["channel"] == 0
    assert abs(document["offset_s"] - 1.0) <= 0.05 and 0.0 < document["score"] <= 1.0
    missing = runner.invoke(
        app, ["notice", "-p", str(files["prompt"]), str(files["other"]), "--json"]
    )
    assert missing.exit_code == 1  # a script can tell "not played" from the exit status alone
    absent = json.loads(missing.stdout)
    assert absent["detected"] is False and absent["offset_s"] is None and absent["channel"] is None


def test_notice_table(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["notice", "--prompt", str(files["prompt"]), str(files["call"])])
    assert result.exit_code == 0
    assert "played" in result.stdout and "channel 0" in result.stdout
    too_late = runner.invoke(
        app, ["notice", "-p", str(files["prompt"]), str(files["call"]), "--within", "0.5"]
    )
    assert too_late.exit_code == 1 and "not found" in too_late.stdout


def test_dtmf_json_and_table(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["dtmf", str(files["call"]), "--json"])
    assert result.exit_code == 0
    digits = json.loads(result.stdout)["digits"]
    assert [(d["digit"], d["channel"]) for d in digits] == [("5", 1), ("#", 1)]
    assert abs(digits[0]["start_s"] - 2.0) <= 0.01 and digits[0]["end_s"] > digits[0]["start_s"]
    table = runner.invoke(app, ["dtmf", str(files["call"])])
    assert "digits: 5#" in table.stdout
    none = runner.invoke(app, ["dtmf", str(files["other"])])
    assert "no keypresses" in none.stdout


def test_speech_json_and_table(files: dict[str, Path]) -> None:
    result = runner.invoke(app, ["speech", str(files["call"]), "--json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert len(document["channels"]) == 2 and document["channels"][0]["speech"]
    table = runner.invoke(app, ["speech", str(files["call"]), "--dead-air", "0.5"])
    assert table.exit_code == 0 and "dead air" in table.stdout


def test_redact_dtmf(files: dict[str, Path], tmp_path: Path) -> None:
    target = tmp_path / "clean.wav"
    result = runner.invoke(app, ["redact-dtmf", str(files["call"]), str(target), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["clean"] is True and len(document["removed"]) == 2
    assert detect_dtmf(decode(target)) == []
    assert decode(target).subtype == "ULAW"
    readable = runner.invoke(
        app, ["redact-dtmf", str(files["call"]), str(target), "--fill", "tone"]
    )
    assert readable.exit_code == 0 and "clean" in readable.stdout


@pytest.mark.parametrize("command", ["dtmf", "speech", "notice", "redact-dtmf"])
def test_bad_files_give_one_line_and_exit_1(
    files: dict[str, Path], command: str, tmp_path: Path
) -> None:
    bad = files["garbage"]
    arguments = {
        "dtmf": ["dtmf", str(bad)],
        "speech": ["speech", str(bad)],
        "notice": ["notice", "--prompt", str(files["prompt"]), str(bad)],
        "redact-dtmf": ["redact-dtmf", str(bad), str(tmp_path / "out.wav")],
    }[command]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "not readable audio" in lines[0]
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["dtmf", str(tmp_path / "absent.wav")])
    assert result.exit_code == 1 and "no such audio file" in result.stderr
