"""How long the command line takes to answer, against the floor Typer and rich set (issue 10).

Each command runs as a fresh subprocess several times; the figure is the median wall time. The
floor is `python -c "import typer, rich"` measured in the same run, and the runs take turns
(floor, --help, law show, floor, ...), so a machine that gets busier halfway slows all three
alike and the ratios still hold. Targets: `callwarden --help` within 3x the floor,
`callwarden law show US-CA` within 5x.

    .venv/bin/python bench/cli_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

CLI = [sys.executable, "-m", "callwarden"]
FLOOR = [sys.executable, "-c", "import typer, rich"]
CASES = (
    ("callwarden --help", [*CLI, "--help"], 3.0),
    ("callwarden law show US-CA", [*CLI, "law", "show", "US-CA"], 5.0),
)


def median_seconds(commands: list[list[str]], runs: int, env: dict[str, str]) -> list[float]:
    """Median wall time of each command over `runs` fresh processes, taking turns.

    One warm-up round first fills the operating system's file cache.
    """
    timings: list[list[float]] = [[] for _ in commands]
    for round_number in range(runs + 1):
        for index, command in enumerate(commands):
            started = time.perf_counter()
            subprocess.run(command, env=env, check=True, capture_output=True)
            if round_number:
                timings[index].append(time.perf_counter() - started)
    return [statistics.median(each) for each in timings]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command (median taken)")
    runs = parser.parse_args().runs
    env = {**os.environ, "CALLWARDEN_DATA_DIR": str(Path.cwd() / "var")}
    floor, *figures = median_seconds([FLOOR, *(case[1] for case in CASES)], runs, env)
    print(f'floor  python -c "import typer, rich": {floor * 1000:.0f} ms (median of {runs})')
    all_met = True
    for (label, _, target), seconds in zip(CASES, figures, strict=True):
        ratio = seconds / floor
        met = ratio <= target
        all_met &= met
        verdict = "met" if met else "NOT met"
        print(
            f"{label:<28} {seconds * 1000:6.0f} ms = {ratio:4.1f}x the floor "
            f"(target <= {target:g}x: {verdict})"
        )
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
