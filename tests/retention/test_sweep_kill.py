"""Kill test: `callwarden retention sweep` in a subprocess over a few thousand recordings,
SIGKILLed at random moments several times, then run to the end. After every kill and at the
end: no held recording disposed, no disposed recording whose data key survives, every disposal
in a sweep; at the end every disposed object deleted and every sweep finished, with a
certificate where it disposed of anything that verifies with the public key alone and lists
exactly that sweep's disposals (`check_invariants`)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from callwarden.config import Settings
from callwarden.db import Database
from tests.retention.sweeping import (
    AS_OF,
    check_invariants,
    expected_disposed,
    populate,
    with_vault,
)

COUNT = 3000
KILLS = 4


def _command(settings: Settings, db: Database) -> tuple[list[str], dict[str, str]]:
    env = {
        **os.environ,
        "CALLWARDEN_DATA_DIR": str(settings.data_dir),
        "CALLWARDEN_DATABASE_URL": db.url,
        "CALLWARDEN_LOG_LEVEL": "warning",
    }
    args = [sys.executable, "-m", "callwarden", "retention", "sweep", "--as-of", "2026-06-01"]
    return [*args, "--batch", "40"], env


def test_a_sweep_killed_again_and_again_finishes_and_never_breaks_an_invariant(
    db: Database, settings: Settings
) -> None:
    vaulted = with_vault(settings)
    populate(db, vaulted, COUNT)
    args, env = _command(vaulted, db)
    chance = random.Random(os.environ.get("KILL_SEED", "13"))
    killed_mid_run = 0
    for _ in range(KILLS):
        process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(chance.uniform(0.8, 3.0))  # the CLI starts in about a second
        if process.poll() is None:
            killed_mid_run += 1
        process.send_signal(signal.SIGKILL)
        process.wait()
        check_invariants(db, vaulted, finished=False)
    final = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    assert killed_mid_run >= 1  # at least one kill landed during a sweep
    assert AS_OF.year == 2026
    assert check_invariants(db, vaulted, finished=True) == expected_disposed(COUNT)
