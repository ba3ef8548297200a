"""The README and docs/ describe what exists: every command and setting they name is real, and
they point only inside the repository (a clone has no `../shared/`)."""

from __future__ import annotations

import re
from pathlib import Path

from typer.main import get_command
from typer.testing import CliRunner

from callwarden.cli import app
from callwarden.config import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("**/*.md"))]
runner = CliRunner()


def test_nothing_points_outside_the_repository() -> None:
    for path in DOCS:
        assert "../shared" not in path.read_text(encoding="utf-8"), path.name
        for target in re.findall(r"\]\(([^)#]+)\)", path.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")):
                assert (path.parent / target).exists(), f"{path.name} links {target}"


def test_the_readme_says_how_to_run_the_cli() -> None:
    assert ".venv/bin/callwarden" in README and "source .venv/bin/activate" in README


def _named_commands() -> set[tuple[str, ...]]:
    """`callwarden users list | disable NAME` names `users list` and `users disable`."""
    roots = set(get_command(app).commands)  # type: ignore[attr-defined]
    named: set[tuple[str, ...]] = set()
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL):
        for line in block.splitlines():
            found = re.search(r"callwarden ((?:[a-z][a-z-]* ?)+)(.*)", line.split("#")[0])
            if not found:
                continue
            segments = [found.group(0).removeprefix("callwarden ")]
            segments[0], _, rest = segments[0].partition(" | ")
            segments += rest.split(" | ") if rest else []
            group = ""
            for segment in segments:
                words = re.findall(r"^(?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?", segment.strip())
                if not words:
                    continue
                parts = words[0].split()
                if parts[0] in roots:
                    group = parts[0]
                    named.add(tuple(parts))
                else:
                    named.add((group, parts[0]))
    return named


def test_every_command_the_readme_names_exists() -> None:
    named = _named_commands()
    assert ("users", "disable") in named and ("decide",) in named  # the parser reads the README
    for command in sorted(named):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0, f"README names `callwarden {' '.join(command)}`"


def test_every_setting_is_in_the_readme() -> None:
    """The configuration table is where operators look: a setting it leaves out is hidden."""
    named = set(re.findall(r"CALLWARDEN_[A-Z0-9_]+[A-Z0-9]", README))
    for prefix, suffixes in re.findall(
        r"`(CALLWARDEN_[A-Z0-9]+)_[A-Z0-9_]+`((?:, `_[A-Z0-9_]+`)+)", README
    ):
        named |= {f"{prefix}_{suffix}" for suffix in re.findall(r"`_([A-Z0-9_]+)`", suffixes)}
    for prefix, suffix in re.findall(
        r"`(CALLWARDEN_[A-Z0-9_]+?)_[A-Z0-9]+` / `_([A-Z0-9_]+)`", README
    ):
        named.add(f"{prefix}_{suffix}")
    missing = sorted(
        f"CALLWARDEN_{name.upper()}"
        for name in Settings.model_fields
        if f"CALLWARDEN_{name.upper()}" not in named
    )
    assert missing == [], f"settings missing from the README's table: {missing}"


def test_every_setting_the_readme_names_exists() -> None:
    fields = {f"CALLWARDEN_{name.upper()}" for name in Settings.model_fields}
    source = "\n".join(path.read_text() for path in (ROOT / "src").glob("**/*.py"))
    for variable in set(re.findall(r"CALLWARDEN_[A-Z0-9_]+[A-Z0-9]", README)):
        assert variable in fields or f'"{variable}"' in source, variable


def test_the_readme_says_what_disposal_does_and_what_keeps_a_recording() -> None:
    text = " ".join(README.split())
    assert "Not built yet: deleting recordings" not in text  # it is built now
    assert "disposes of recordings that are due and kept by no legal hold" in text
    assert "`410 Gone` (`recording_disposed`)" in text
