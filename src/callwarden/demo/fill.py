"""Filling an empty data directory with a demo month, through the same services the API calls.

Order and time: the set-up (init, people, announcement audio) happens on a frozen clock just
before the month, and the example course is published as it begins; each call then happens
at its own moment (the people's training, `training.py`, at theirs, between the calls), its
recording is uploaded a little after it ends, and the audio check runs, now, as the background
job would have. Then, now too,
the month's oversight (`oversight.py`): the phone system's call-detail file is imported, the
supervisors listen, and every check runs over the month. So the audit trail reads in time
order and every record carries the time it would really have had.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from callwarden.audit.checkpointing import write_due
from callwarden.bootstrap import initialise
from callwarden.calls import service as calls
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.demo import defects, oversight, people, training
from callwarden.demo.audio import encode_flac, espeak_available, mix
from callwarden.demo.defects import SCENARIO_DEFECTS, Expected
from callwarden.demo.flow import play
from callwarden.demo.phone import SOURCE as PHONE_SOURCE
from callwarden.demo.phone import PlayedCall
from callwarden.demo.prompts import store_prompts
from callwarden.demo.scenarios import (
    QA_REVIEWER,
    Scenario,
    ghost_call,
    plan_month,
)
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.jobs import JobContext
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, NotFound
from callwarden.migrate import current_revision
from callwarden.policy import service as policies
from callwarden.recordings import intake
from callwarden.recordings import service as recordings
from callwarden.recordings.intake import RecordingRefused
from callwarden.recordings.schemas import SearchFilter
from callwarden.recordings.upload import IntakeRequest
from callwarden.runtime import open_database
from callwarden.vault.runtime import Vault, vault_for
from callwarden.verification import service as verification
from callwarden.verification.tasks import analyse_recordings

UPLOAD_DELAY = timedelta(seconds=20)  # a phone system uploads once the call has ended
REVIEWS = 3  # recordings each supervisor assigns to the QA reviewer
FRESH = "point CALLWARDEN_DATA_DIR at a new directory and run it there"

Step = Callable[[str, int], Callable[[], None]]  # (stage, total) -> advance one


class DemoRefused(Conflict):
    code = "demo_refused"
    title = "Demo data refused"


@dataclass
class DemoReport:
    """What the demo made: the people and their passwords (shown once), and the counts."""

    users: list[people.DemoUser] = field(default_factory=list)
    calls: int = 0
    recordings: int = 0
    refused_recordings: int = 0
    violations: int = 0
    findings: dict[str, int] = field(default_factory=dict)
    espeak: bool = False
    seconds: float = 0.0
    seed: int = 0
    check_run: str = ""
    checks: dict[str, int] = field(default_factory=dict)  # findings by check
    check_errors: dict[str, str] = field(default_factory=dict)
    seeded: list[tuple[Expected, int | None]] = field(default_factory=list)  # and its finding
    training: str = ""  # the month's training in a line


def setup_moment(days: int) -> datetime:
    """When the organisation is set up: an hour before the month's first possible call."""
    return clock.now() - timedelta(days=days, hours=1)


def fill(settings: Settings, calls_wanted: int, days: int, seed: int, stage: Step) -> DemoReport:
    """Refuse a data directory that holds calls or recordings; otherwise fill it."""
    began = time.monotonic()
    ends = clock.now()
    month = plan_month(calls_wanted, days, ends, seed)
    setup_at = setup_moment(days)
    report = DemoReport(espeak=espeak_available(), seed=seed)
    refuse_if_used(settings, days)
    with clock.frozen_at(setup_at):
        init = initialise(settings)
    db, vault = open_database(settings), vault_for(settings)
    try:
        with clock.frozen_at(setup_at + timedelta(minutes=5)):
            cast = people.hire(db, init.admin_password)
            prompts = store_prompts(db, vault, cast.admin)
            oversight.apply_thresholds(db, cast.principals["compliance"])
        report.users = cast.users
        everyone = {cast.admin.username or cast.admin.actor: cast.admin, **cast.principals}
        lessons = training.plan(setup_at, ends, days, month, sorted(everyone), seed)
        training.publish(db, cast.principals["compliance"], lessons, days)
        advance = stage("calls", len(month))
        recording_ids: list[str] = []
        played_calls: list[PlayedCall] = []
        seeded: list[Expected] = []
        for scenario in month:
            for step in lessons.due_by(scenario.started_at):
                training.perform(db, step, everyone)
            played = play(db, cast.pbx, scenario, prompts)
            played_calls.append(played)
            report.calls += 1
            report.violations += played.violations
            uploaded: list[str] = []
            if played.recording_start is not None and scenario.defect != "recording_lost":
                uploaded = _upload(settings, vault, db, cast.pbx, played, report)
            recording_ids += uploaded
            seeded += _seeded_on(scenario, played.call_id, uploaded)
            advance()
        for step in lessons.due_by(ends):
            training.perform(db, step, everyone)
        seeded += training.expected(lessons, played_calls)
        report.recordings = len(recording_ids)
        _assign_reviews(db, cast.supervisors)
        _analyse(settings, db, len(recording_ids), stage)
        report.findings = _count_findings(db, recording_ids)
        seeded += _oversee(settings, db, vault, cast, played_calls, seed)
        checked = oversight.run_checks(
            db, settings, setup_at, cast.principals["compliance"], seeded
        )
        report.check_run, report.checks = checked.run_id, checked.by_check
        report.check_errors, report.seeded = checked.errors, checked.shown
        defects.write(settings.data_dir, checked.shown)
        report.training = training.summary(db, cast.principals["compliance"], lessons)
        write_due(db, settings)  # sign the chain's head, as the checkpoint job would
    finally:
        db.dispose()
    report.seconds = time.monotonic() - began
    return report


def _seeded_on(scenario: Scenario, call_id: str, uploaded: list[str]) -> list[Expected]:
    defect = SCENARIO_DEFECTS.get(scenario.defect) if scenario.defect else None
    return defects.on_call(defect, call_id, uploaded) if defect else []


def _oversee(
    settings: Settings,
    db: Database,
    vault: Vault,
    cast: people.Cast,
    month: list[PlayedCall],
    seed: int,
) -> list[Expected]:
    """The month's end: the call-detail file imported, the supervisors' listening; what the
    checks must find of them."""
    compliance = cast.principals["compliance"]
    ghost = ghost_call([call.scenario for call in month], seed)
    oversight.import_cdr(db, compliance, oversight.write_cdr(settings.data_dir, month, ghost))
    listened = oversight.listen(db, vault, settings, cast.supervisors)
    figures = {"source": PHONE_SOURCE, "external_id": ghost.external_id}
    return [
        Expected("unknown_cdr_call", "completeness", figures=figures),
        Expected(
            "overactive_listener",
            "access",
            recordings=listened.recordings,
            users=(listened.username,),
        ),
    ]


def refuse_if_used(settings: Settings, days: int) -> None:
    """One plain refusal, before anything is written, when the data directory holds calls or
    recordings, has the demo's usernames, or had no policy in force when the month begins."""
    if settings.database_url is None and not settings.data_dir.exists():
        return
    db = Database(settings.resolved_database_url)
    try:
        if current_revision(db) is None:
            return
        with clock.frozen_at(setup_moment(days)), db.reading() as session:
            has_calls = bool(calls.list_calls(session, SYSTEM, None, None, None, None, 1).rows)
            has_audio = bool(recordings.search(session, SYSTEM, SearchFilter(), None, 1).rows)
            taken = people.taken(session)
            try:
                policies.get_version(session)
                policy_from_start = True
            except NotFound:
                policy_from_start = False
    finally:
        db.dispose()
    where, fresh = str(settings.data_dir), FRESH
    if settings.database_url is not None:
        where, fresh = "the database", FRESH + " (and CALLWARDEN_DATABASE_URL at an empty database)"
    if has_calls or has_audio:
        raise DemoRefused(f"{where} already holds calls or recordings; {fresh}")
    if taken:
        raise DemoRefused(
            f"the demo's usernames are taken in {where} ({', '.join(taken)}); {fresh}"
        )
    if not policy_from_start:
        raise DemoRefused(
            f"no recording policy was in force in {where} {days} days ago, when the demo month "
            f"begins; {fresh}"
        )


def _upload(
    settings: Settings,
    vault: Vault,
    db: Database,
    pbx: Principal,
    call: PlayedCall,
    report: DemoReport,
) -> list[str]:
    """The phone system uploads what it recorded, a little after the call ended."""
    assert call.recording_start is not None and call.ended_at is not None
    audio = mix(call.clips, call.duration_s() + 0.5)
    request = IntakeRequest(
        call_id=call.call_id,
        idempotency_key=f"demo-{call.scenario.index:05d}",
        channel_map=("customer", "agent"),
        started_at=call.recording_start,
    )
    with clock.frozen_at(call.ended_at + UPLOAD_DELAY):
        try:
            spool = settings.data_dir / "spool"
            result = intake.ingest(db, vault, pbx, request, [encode_flac(audio)], spool)
        except RecordingRefused:
            report.refused_recordings += 1
            return []
    return [str(result.recording["recording_id"])]


def _assign_reviews(db: Database, supervisors: list[Principal]) -> None:
    """Each supervisor gives the QA reviewer a few of their team's recordings, so `qa` has
    work (a QA reviewer hears only what is assigned to them)."""
    for supervisor in supervisors:
        with db.unit_of_work() as session:
            mine = recordings.search(session, supervisor, SearchFilter(), None, REVIEWS).rows
            for recording in mine:
                recordings.assign(session, supervisor, recording.id, QA_REVIEWER)


def _analyse(settings: Settings, db: Database, total: int, stage: Step) -> None:
    """The audio check, run here and now in batches, as its periodic job runs them."""
    advance = stage("audio check", total)
    context = JobContext(settings, db)
    while True:
        done = analyse_recordings(context)
        for _ in range(done):
            advance()
        if done == 0:
            return


def _count_findings(db: Database, recording_ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with db.reading() as session:
        for recording_id in recording_ids:
            for finding in verification.list_findings(session, recording_id):
                counts[finding.kind] = counts.get(finding.kind, 0) + 1
    return dict(sorted(counts.items()))
