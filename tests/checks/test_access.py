"""The access check over a real audit trail: refused looks, an over-active listener, exports
and looks out of hours are found; ordinary work is not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callwarden.audit import service as audit
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from tests.checks.support import apply_policy_with, run_check

# A Tuesday; 11:00 UTC is inside the default hours (08:00-19:00 UTC, Monday to Friday).
DAY = datetime(2026, 11, 3, tzinfo=UTC)
PERIOD = Period(DAY, DAY + timedelta(days=1))
NOW = DAY + timedelta(days=1, hours=1)


def _event(
    db: Database,
    at: datetime,
    actor: str,
    action: str,
    recording: str,
    role: str,
    attempted: str = "recordings.play",
) -> int:
    data = {"attempted": attempted} if action == "access.denied" else {}
    with clock.frozen_at(at), db.unit_of_work() as session:
        done = audit.record(
            session,
            actor=f"user:{actor}",
            action=action,
            target=f"recording:{recording}",
            reason="quality review",
            data={**data, "role": role},
        )
        return done.seq


def _plays(db: Database, actor: str, role: str, count: int, hour: int = 11) -> None:
    for n in range(count):
        at = DAY + timedelta(hours=hour, seconds=n)
        _event(db, at, actor, "recording.played", f"rec_{actor}_{n}", role)
        _event(db, at, actor, "recording.played", f"rec_{actor}_{n}", role)  # a second range


def test_ordinary_listening_in_hours_finds_nothing(db: Database, settings: Settings) -> None:
    for name, count in (("quinn", 8), ("quentin", 10), ("quill", 9)):
        _plays(db, name, "qa_reviewer", count)
    assert run_check(db, "access", PERIOD, NOW, settings) == {}


def test_refusals_an_over_active_listener_exports_and_late_looks_are_found(
    db: Database, settings: Settings
) -> None:
    _plays(db, "quinn", "qa_reviewer", 5)
    _plays(db, "quentin", "qa_reviewer", 6)
    _plays(db, "busy", "qa_reviewer", 25)  # 25 > 3 x the others' median and >= 20
    _plays(db, "sam", "supervisor", 25)  # alone in the role: nobody to compare with
    first = _event(db, DAY + timedelta(hours=12), "amy", "access.denied", "rec_x", "agent")
    second = _event(db, DAY + timedelta(hours=13), "amy", "access.denied", "rec_x", "agent")
    export = _event(db, DAY + timedelta(hours=14), "lee", "recording.exported", "rec_e", "legal")
    late = _event(
        db, DAY + timedelta(hours=22), "quinn", "recording.played", "rec_n", "qa_reviewer"
    )
    _event(db, DAY - timedelta(hours=2), "amy", "access.denied", "rec_y", "agent")  # before
    peek = _event(
        db, DAY + timedelta(hours=15), "amy", "access.denied", "rec_z", "agent",
        attempted="recordings.search",
    )  # fmt: skip

    found = run_check(db, "access", PERIOD, NOW, settings)

    assert set(found) == {
        "denied:user:amy:rec_x",
        "denied:user:amy:rec_z",
        "volume:user:busy:2026-11-03..2026-11-04",
        "export:user:lee:rec_e",
        "after-hours:user:quinn:rec_n:2026-11-03",
    }
    assert found["denied:user:amy:rec_x"].evidence.events == (first, second)
    assert found["denied:user:amy:rec_x"].rule.citation == "GDPR Art. 5(1)(f)"
    assert found["denied:user:amy:rec_x"].severity == "medium"  # tried to listen
    assert found["denied:user:amy:rec_z"].severity == "low"  # tried to see the metadata
    assert found["denied:user:amy:rec_z"].evidence.events == (peek,)
    volume = found["volume:user:busy:2026-11-03..2026-11-04"]
    assert volume.evidence.figures["recordings_opened"] == 25
    assert volume.evidence.figures["peer_median"] == 6  # quinn 5 + the late one, quentin 6
    assert volume.evidence.users == ("busy",)
    assert found["export:user:lee:rec_e"].evidence.events == (export,)
    assert found["after-hours:user:quinn:rec_n:2026-11-03"].evidence.events == (late,)
    assert set(run_check(db, "access", PERIOD, NOW + timedelta(days=3), settings)) == set(found)


def test_business_hours_come_from_the_policy_in_its_time_zone(
    db: Database, settings: Settings
) -> None:
    apply_policy_with(
        db,
        '  business_hours: {start: "09:00", end: "17:00", timezone: America/New_York,'
        " days: [mon, tue, wed, thu, fri]}\n",
    )
    _event(db, DAY + timedelta(hours=15), "quinn", "recording.played", "rec_in", "qa_reviewer")
    _event(db, DAY + timedelta(hours=12), "quinn", "recording.played", "rec_early", "qa_reviewer")

    found = run_check(db, "access", PERIOD, NOW, settings)

    assert set(found) == {"after-hours:user:quinn:rec_early:2026-11-03"}
    assert "America/New_York" in str(found[next(iter(found))].evidence.figures["business_hours"])
