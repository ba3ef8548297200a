"""Re-scheduling benchmark: a policy change's new schedules for every stored recording, timed.

Bulk-loads `--rows` synthetic recording rows (no audio: the schedule needs only purposes and
start) under the example policy, then times, each in its own transaction: the preview of a
draft with other retention (read only), and re-scheduling under it (`rescheduling.reschedule`,
batched plain UPDATEs). Prints rows per second for both. SQLite by default; `--database-url`
for PostgreSQL.

    .venv/bin/python bench/reschedule.py [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import yaml
from sqlalchemy import Table, insert

sys.path.insert(0, str(Path(__file__).parent))
from intake import make_call

from callwarden.bootstrap import EXAMPLE_POLICY, initialise
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.decisions.compiled import CompiledPolicy
from callwarden.kit import clock
from callwarden.law.knowledge import load_knowledge_base
from callwarden.models import Recording
from callwarden.policy.schema import PolicyDocument
from callwarden.retention.preview import preview
from callwarden.retention.rescheduling import reschedule

PURPOSE_SETS = (
    ["quality", "dispute_resolution"],
    ["regulatory_record", "dispute_resolution"],
    ["quality", "training", "telemarketing_records"],
    ["dispute_resolution"],
)
LOAD_BATCH = 10_000


def load(db: Database, rows: int) -> None:
    """`rows` recordings of one call, started over the last three years, in bulk inserts."""
    call_id, now = make_call(db), clock.now()
    table = cast(Table, Recording.__table__)
    for first in range(0, rows, LOAD_BATCH):
        batch: list[dict[str, Any]] = []
        for number in range(first, min(rows, first + LOAD_BATCH)):
            started = now - timedelta(minutes=number * 15 % (3 * 365 * 24 * 60))
            batch.append(
                {
                    "id": f"rec_bench_{number:09d}",
                    "call_id": call_id,
                    "idempotency_key": f"k{number}",
                    "source": "bench",
                    "state": "stored",
                    "object_key": f"bench/{number:09d}",
                    "store": "filesystem",
                    "format": "wav",
                    "codec": "pcm_s16le",
                    "content_type": "audio/wav",
                    "sample_rate": 8000,
                    "channels": 1,
                    "channel_map": [],
                    "duration_s": 60.0,
                    "sha256": "0" * 64,
                    "size": 960_044,
                    "ciphertext_size": 960_100,
                    "original_sha256": "0" * 64,
                    "original_size": 960_044,
                    "purposes": PURPOSE_SETS[number % len(PURPOSE_SETS)],
                    "private": False,
                    "legal_hold": False,
                    "direction": "inbound",
                    "jurisdictions": [],
                    "pauses": [],
                    "started_at": started,
                    "created_at": now,
                    "created_by": "bench",
                }
            )
        with db.unit_of_work() as session:
            session.execute(insert(table), batch)


def draft() -> PolicyDocument:
    """The example with dispute resolution kept 6 months to 3 years, disposed at the latest."""
    data = yaml.safe_load(EXAMPLE_POLICY.read_text(encoding="utf-8"))
    data["purposes"]["dispute_resolution"]["retention"] = {"min": "P6M", "max": "P3Y"}
    data["retention"] = {"dispose_at": "latest"}
    return PolicyDocument.model_validate(data)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temp dir")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        settings = Settings(data_dir=Path(directory) / "data", database_url=options.database_url)
        initialise(settings)
        db = Database(settings.resolved_database_url)
        try:
            started = time.perf_counter()
            load(db, options.rows)
            print(f"loaded {options.rows:,} rows in {time.perf_counter() - started:.1f} s")
            kb = load_knowledge_base()
            example = PolicyDocument.model_validate(
                yaml.safe_load(EXAMPLE_POLICY.read_text(encoding="utf-8"))
            )
            started = time.perf_counter()
            with db.unit_of_work() as session:
                reschedule(session, CompiledPolicy.build(example, 98, kb), "bench")
            took = time.perf_counter() - started
            print(f"first schedule: {took:.1f} s ({options.rows / took:,.0f} rows/s)")
            document = draft()
            started = time.perf_counter()
            with db.reading() as session:
                found = preview(session, document, clock.now())
            took = time.perf_counter() - started
            print(
                f"preview: {took:.1f} s ({options.rows / took:,.0f} rows/s): "
                f"{found.earlier:,} earlier, {found.later:,} later, "
                f"{found.unchanged:,} unchanged, {found.due_at_once:,} due at once"
            )
            policy = CompiledPolicy.build(document, 99, kb)
            started = time.perf_counter()
            with db.unit_of_work() as session:
                moves = reschedule(session, policy, "bench")
            took = time.perf_counter() - started
            print(
                f"reschedule: {took:.1f} s ({options.rows / took:,.0f} rows/s, committed): "
                f"{moves.earlier:,} earlier, {moves.later:,} later, {moves.unchanged:,} unchanged"
            )
        finally:
            db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
