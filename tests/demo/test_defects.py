"""The demo month's seeded defects: each is a finding of the check that should find it, and
that finding names the very call, recording or person the defect was seeded on (told apart
from the data itself, not only from the demo's own list); and the month's check run, the
daily job's, failed no check."""

from __future__ import annotations

import csv
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.app import create_app
from callwarden.checks import runs
from callwarden.checks.registry import registered
from callwarden.demo import defects
from callwarden.demo.defects import SEEDED_DEFECTS, Expected
from callwarden.demo.oversight import BINGE_REASON, CDR_FILE, PEER_REASON
from callwarden.models import (
    AuditEvent,
    Call,
    CallEvent,
    CallPause,
    CdrRecord,
    CheckFinding,
    CheckRun,
    Finding,
    Recording,
)
from callwarden.policy import service as policies
from tests.support.console_calls import CSRF
from tests.support.demo_month import CALLS, Demo


def _run(session: Session) -> CheckRun:
    (run,) = session.scalars(select(CheckRun)).all()  # the demo runs the checks once
    session.expunge(run)  # read after the session ends
    return run


def _findings(session: Session, check: str, prefix: str = "") -> list[CheckFinding]:
    query = select(CheckFinding).where(CheckFinding.check_name == check)
    found = [f for f in session.scalars(query) if f.key.startswith(prefix)]
    for finding in found:
        session.expunge(finding)  # read after the session ends
    return found


def _seeded(demo: Demo, defect: str) -> list[Expected]:
    return [item for item in defects.load(demo.data_dir) if item.defect == defect]


def _audio_kinds(session: Session, recording_id: str) -> set[str]:
    query = select(Finding.kind).where(Finding.recording_id == recording_id)
    return set(session.scalars(query))


def _ledger(session: Session, call_id: str) -> list[str]:
    query = select(CallEvent.kind).where(CallEvent.call_id == call_id, CallEvent.accepted)
    return list(session.scalars(query))


@pytest.mark.parametrize("defect", [d.name for d in SEEDED_DEFECTS])
def test_each_seeded_defect_is_one_finding_of_each_of_its_checks(demo: Demo, defect: str) -> None:
    (told,) = [d for d in SEEDED_DEFECTS if d.name == defect]
    seeded = _seeded(demo, defect)
    assert [item.check for item in seeded] == list(told.checks)
    with demo.db.reading() as session:
        run = _run(session)
        for item in seeded:
            assert item.calls or item.users or item.figures  # it names what it was seeded on
            shown = [
                f for f in _findings(session, item.check) if item.shown_by(f.check_name, f.evidence)
            ]
            assert len(shown) == 1, (item, [f.evidence for f in _findings(session, item.check)])
            finding = shown[0]
            assert finding.status == "open" and finding.last_seen_run_id == run.id
            assert (item, finding.id) in defects.load_shown(demo.data_dir)
            line = f"  {defect} -> {item.check}: finding {finding.id} ("
            assert line in demo.output, demo.output


def test_the_month_s_check_run_is_the_daily_job_s_over_the_whole_month_and_none_failed(
    demo: Demo,
) -> None:
    with demo.db.reading() as session:
        run = _run(session)
        started = list(session.scalars(select(Call.started_at)))
        recorded = list(session.scalars(select(Recording.started_at)))
        threshold = policies.active_compiled(session).document.checks.volume_minimum
    assert run.errors == {} and run.finished_at is not None
    assert run.started_by == runs.SYSTEM and run.checks == list(registered())
    assert all(run.period_start <= moment < run.period_end for moment in started + recorded)
    assert threshold == 4  # the demo's policy sets the thresholds for a small month
    assert "FAILED" not in demo.output and "NOT FOUND" not in demo.output
    assert f"check run {run.id}: " in demo.output


def test_the_notices_the_audio_lacks_are_on_the_calls_seeded_so(demo: Demo) -> None:
    (unplayed, _consent) = _seeded(demo, "notice_not_played")
    (silent,) = _seeded(demo, "notice_silent")
    with demo.db.reading() as session:
        # never played nor reported, so the ledger has no notice; the silent one was reported
        assert "notice_played" not in _ledger(session, unplayed.calls[0])
        assert "notice_played" in _ledger(session, silent.calls[0])
        for item in (unplayed, silent):
            assert "notice_missing" in _audio_kinds(session, item.recordings[0])
        missing = _findings(session, "notice_audio", "notice_missing:")
        consent = _findings(session, "consent", f"notice:{unplayed.calls[0]}:")
    assert sorted(r for f in missing for r in f.evidence["recordings"]) == sorted(
        [unplayed.recordings[0], silent.recordings[0]]
    )
    assert len(consent) == 1 and "got it never" in consent[0].summary


def test_the_missing_recording_is_the_call_that_should_have_been_recorded(demo: Demo) -> None:
    (lost,) = _seeded(demo, "recording_lost")
    (call_id,) = lost.calls
    with demo.db.reading() as session:
        call = session.get(Call, call_id)
        assert call is not None
        assert call.record_decision == "yes" and call.state == "ended"
        assert call.facts.get("queue") == "trading"
        assert "recording_started" in _ledger(session, call_id)  # the phone system recorded it
        stored = session.scalars(select(Recording.id).where(Recording.call_id == call_id)).all()
        missing = _findings(session, "completeness", "missing:")
    assert stored == []
    assert [f.key for f in missing] == [f"missing:{call_id}"]  # that one, and no other


def test_the_unknown_call_came_from_the_imported_call_detail_file(demo: Demo) -> None:
    (ghost,) = _seeded(demo, "unknown_cdr_call")
    external_id = ghost.figures["external_id"]
    with (demo.data_dir / CDR_FILE).open(newline="", encoding="utf-8") as lines:
        rows = list(csv.DictReader(lines))
    assert len(rows) == CALLS + 1 and sum(row["call_id"] == external_id for row in rows) == 1
    with demo.db.reading() as session:
        imported = session.scalars(select(CdrRecord.external_id)).all()
        ours = set(session.scalars(select(Call.external_id)))
        audited = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "cdr.imported")
        ).all()
        unknown = _findings(session, "completeness", "unknown:")
    assert sorted(imported) == sorted(row["call_id"] for row in rows) and len(audited) == 1
    assert external_id not in ours and set(imported) - ours == {external_id}
    assert [f.key for f in unknown] == [f"unknown:{ghost.figures['source']}:{external_id}"]


def test_the_keys_in_the_pause_are_on_the_paused_call_s_recording(demo: Demo) -> None:
    (keys,) = _seeded(demo, "keys_in_pause")
    with demo.db.reading() as session:
        reasons = session.scalars(
            select(CallPause.reason).where(CallPause.call_id == keys.calls[0])
        ).all()
        assert "payment_audio_leak" in _audio_kinds(session, keys.recordings[0])
        leaks = _findings(session, "secure_pause", "leak:")
    assert reasons == ["payment"]
    assert [f.evidence["recordings"] for f in leaks] == [list(keys.recordings)]
    assert leaks[0].severity == "critical"


def test_the_over_active_listener_played_with_reasons_through_the_playback_service(
    demo: Demo,
) -> None:
    (busy,) = _seeded(demo, "overactive_listener")
    (username,) = busy.users
    with demo.db.reading() as session:
        plays = session.execute(
            select(AuditEvent.actor, AuditEvent.target, AuditEvent.reason).where(
                AuditEvent.action == "recording.played"
            )
        ).all()
        (volume,) = _findings(session, "access", "volume:")
    by_actor = Counter(actor for actor, _target, _reason in plays)
    mine = {
        target.removeprefix("recording:") for actor, target, _ in plays if actor.endswith(username)
    }
    assert mine == set(busy.recordings) and len(mine) >= 4
    assert {reason for actor, _, reason in plays if actor.endswith(username)} == {BINGE_REASON}
    peers = {actor: n for actor, n in by_actor.items() if not actor.endswith(username)}
    assert peers == {"user:supervisor-south": 1} or peers == {"user:supervisor-north": 1}
    assert {reason for actor, _, reason in plays if actor in peers} == {PEER_REASON}
    figures = volume.evidence["figures"]
    assert volume.evidence["users"] == [username]
    assert figures["recordings_opened"] == len(mine) and figures["peer_median"] == 1
    assert figures["minimum"] == 4 and figures["role"] == "supervisor"


def test_the_console_s_checks_page_shows_the_month_s_findings_at_once(demo: Demo) -> None:
    (ghost,) = _seeded(demo, "unknown_cdr_call")
    (busy,) = _seeded(demo, "overactive_listener")
    password = demo.passwords()["compliance"][2]
    with demo.db.reading() as session:
        run_id = _run(session).id
        (volume,) = _findings(session, "access", "volume:")
    with TestClient(create_app(demo.settings, demo.db, run_jobs=False)) as client:
        found = CSRF.search(client.get("/sign-in").text)
        assert found
        signed_in = client.post(
            "/sign-in",
            data={"username": "compliance", "password": password, "csrf_token": found.group(1)},
            follow_redirects=False,
        )
        assert signed_in.status_code == 303, signed_in.text
        listing = client.get("/checks")
        run_page = client.get(f"/checks/runs/{run_id}")
        finding_page = client.get(f"/checks/findings/{volume.id}")
    assert listing.status_code == 200 and run_id in listing.text
    assert run_page.status_code == 200 and ghost.figures["external_id"] in run_page.text
    assert finding_page.status_code == 200 and busy.users[0] in finding_page.text
