"""The oversight side of the demo month: the checks' thresholds, the phone system's call-detail
file, people listening, and the checks run over the month, as each would really happen.

Each step goes through the service the API or CLI calls (policy apply, `cdr import`, playback,
a check run), so a seeded defect is found the way a real one would be: the over-active
supervisor is counted from the audit events their plays wrote, the unknown call from the
imported file, never from a shortcut the demo takes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from callwarden.cdr import service as cdr
from callwarden.checks import findings, runs
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.demo.defects import Expected
from callwarden.demo.phone import SOURCE, PlayedCall
from callwarden.demo.scenarios import CENTRE_NUMBER, Ghost
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.policy import service as policies
from callwarden.recordings import service as recordings
from callwarden.recordings.schemas import SearchFilter
from callwarden.vault.runtime import Vault

# A demo month is small: a person who opens at least 4 recordings, over three times the median
# of the others in their role, is looked into (an organisation keeps the default of 20 or sets
# its own).
DEMO_CHECKS = """
checks:
  volume_multiple: 3
  volume_minimum: 4
"""
# And an overdue agent's calls are findings of their own (the demo seeds one such agent).
DEMO_TRAINING = """
training:
  overdue: call_findings
"""
CDR_FILE = "demo-cdr.csv"
CDR_COLUMNS = (
    "call_id",
    "source",
    "start",
    "end",
    "duration_s",
    "from",
    "to",
    "direction",
    "queue",
)
BINGE = 40  # the most recordings the over-active supervisor plays (a big month stays quick)
BINGE_REASON = "listening through the team's calls"
PEER_REASON = "a customer's complaint about this call"


def apply_thresholds(db: Database, compliance: Principal) -> None:
    """The compliance officer adds the demo's `checks:` and `training:` sections to the policy in
    force (the example init applied, or the directory's own); a policy with a section of its
    own keeps it."""
    with db.unit_of_work() as session:
        current = policies.get_version(session)
        added = [
            section
            for name, section in (("checks", DEMO_CHECKS), ("training", DEMO_TRAINING))
            if not re.search(rf"^{name}\s*:", current.document, re.MULTILINE)
        ]
        if not added:
            return
        text = current.document.rstrip("\n") + "\n" + "".join(added)
        source = f"{current.source_name} + demo checks and training"[:200]
        policies.apply(session, compliance, text, source)


def _cdr_row(call: PlayedCall) -> list[str]:
    scenario = call.scenario
    ended = call.ended_at or scenario.started_at
    ours = scenario.line or CENTRE_NUMBER
    caller, called = (scenario.number, ours)
    if scenario.direction == "outbound":
        caller, called = ours, scenario.number
    elif scenario.direction == "internal":
        caller, called = "", ""
    return [
        f"demo-{scenario.index:05d}",
        SOURCE,
        scenario.started_at.isoformat(),
        ended.isoformat(),
        str(round((ended - scenario.started_at).total_seconds())),
        caller,
        called,
        scenario.direction,
        scenario.queue or "",
    ]


def write_cdr(data_dir: Path, month: Iterable[PlayedCall], ghost: Ghost) -> Path:
    """The phone system's call-detail export for the month, in our CSV layout: every call it
    reported, and the ghost it carried but never reported."""
    ended = ghost.started_at + timedelta(seconds=ghost.talk_s)
    rows = [_cdr_row(call) for call in month]
    rows.append(
        [
            ghost.external_id,
            SOURCE,
            ghost.started_at.isoformat(),
            ended.isoformat(),
            str(round(ghost.talk_s)),
            ghost.number,
            CENTRE_NUMBER,
            "inbound",
            "support",
        ]
    )
    rows.sort(key=lambda row: row[2])
    path = data_dir / CDR_FILE
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(CDR_COLUMNS)
        writer.writerows(rows)
    path.chmod(0o600)
    return path


def import_cdr(db: Database, compliance: Principal, path: Path) -> int:
    """`callwarden cdr import FILE`, as the compliance officer runs it; rows imported."""
    with path.open(newline="", encoding="utf-8") as lines, db.unit_of_work() as session:
        report = cdr.import_lines(session, compliance, lines, "csv", path.name, SOURCE)
    return report.imported


def _play(db: Database, vault: Vault, settings: Settings, who: Principal, recording: str,
          reason: str) -> None:  # fmt: skip
    """One play, as the recording's audio route makes it: authorised and opened in a read,
    the access event written, then every byte read (and authenticated) as a player would."""
    with db.reading() as session:
        playback = recordings.open_audio(
            session, vault, who, recording, reason, None,
            verify_whole_bytes=settings.playback_verify_bytes,
        )  # fmt: skip
        session.expunge(playback.recording)
    with db.unit_of_work() as session:
        recordings.record_playback(session, who, playback)
    for _chunk in playback.body:
        pass


@dataclass(frozen=True)
class Listened:
    username: str
    recordings: tuple[str, ...]


def listen(
    db: Database, vault: Vault, settings: Settings, supervisors: list[Principal]
) -> Listened:
    """The supervisor with the most recordings in reach plays all of them (up to `BINGE`); each
    other supervisor plays one, after a complaint. The first is the over-active listener."""
    reach: dict[str, list[str]] = {}
    with db.reading() as session:
        for supervisor in supervisors:
            found = recordings.search(session, supervisor, SearchFilter(), None, BINGE).rows
            reach[supervisor.actor] = [recording.id for recording in found]
    busy, *others = sorted(supervisors, key=lambda s: -len(reach[s.actor]))
    for recording in reach[busy.actor]:
        _play(db, vault, settings, busy, recording, BINGE_REASON)
    for other in others:
        for recording in reach[other.actor][:1]:
            _play(db, vault, settings, other, recording, PEER_REASON)
    return Listened(busy.username or busy.actor, tuple(reach[busy.actor]))


@dataclass(frozen=True)
class Checked:
    """The month's check run: its id, findings by check, failed checks, and for each seeded
    defect the id of the finding that shows it (None when no finding does)."""

    run_id: str
    by_check: dict[str, int]
    errors: dict[str, str]
    shown: list[tuple[Expected, int | None]]


def run_checks(
    db: Database, settings: Settings, since: datetime, reader: Principal, seeded: list[Expected]
) -> Checked:
    """Every check over the month, as the daily job runs them (the system as actor), so the
    console's Checks page has the month's findings at once."""
    with db.unit_of_work() as session:
        until = clock.now() + timedelta(seconds=1)  # everything so far, this moment's plays too
        row = runs.run(session, runs.SYSTEM, Period(since, until), settings)
        run_id, errors = row.id, dict(row.errors)
        by_check = runs.counts_by_check(session, run_id)
    shown: list[tuple[Expected, int | None]] = []
    with db.reading() as session:
        for expected in seeded:
            where = findings.FindingFilter(check=expected.check, run_id=run_id)
            rows = findings.search(session, reader, where, None, 1000).rows
            match = next((f.id for f in rows if expected.shown_by(f.check_name, f.evidence)), None)
            shown.append((expected, match))
    return Checked(run_id, dict(sorted(by_check.items())), errors, shown)
