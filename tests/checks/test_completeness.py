"""The completeness check on seeded calls, recordings and call-detail records: each defect is
found (missing, recorded against the decision, too short, unknown to callwarden) and the calls
that are in order, still going or inside the grace period are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update

from callwarden.cdr import service as cdr
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.models import Call, CallEvent, CallPause, DataKey, ProviderRecording, Recording
from tests.checks.support import apply_policy_with, run_check
from tests.support.bulk import load, new_row

DAY = datetime(2026, 11, 3, tzinfo=UTC)
PERIOD = Period(DAY, DAY + timedelta(days=1))
NOW = DAY + timedelta(days=1, hours=1)
DESK = "+441632960999"


def _at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


# number: (call's columns, recording's duration or None for no recording)
CALLS: dict[int, tuple[dict[str, Any], float | None]] = {
    1: ({"source": "pbx", "external_id": "pbx-1", "ended_at": _at(9) + timedelta(seconds=100)}, 95),
    2: ({"ended_at": _at(10.1)}, None),  # missing
    3: ({"started_at": _at(23.8), "ended_at": NOW - timedelta(minutes=10)}, None),  # fresh
    4: ({"state": "active", "ended_at": None, "last_event_at": NOW - timedelta(hours=1)}, None),
    10: ({"state": "active", "ended_at": None, "last_event_at": _at(0.6)}, None),  # silent
    5: ({"record_decision": "no", "source": "twilio", "external_id": "CA0001"}, 30),
    6: ({"ended_at": _at(12) + timedelta(seconds=300)}, 100),  # short, with a 60 s pause
    7: ({"record_decision": "after_consent"}, None),  # consent never came
    8: ({"halted": "declined"}, None),
    9: ({"record_decision": "no"}, None),  # the phone system started recording anyway
}
STARTS = {1: 9, 2: 10, 3: 23.8, 4: 11, 5: 13, 6: 12, 7: 14, 8: 15, 9: 16, 10: 0.5}


def _seed(db: Database) -> dict[int, str]:
    rows = [
        new_row(n, _at(STARTS[n]), call_numbers=[f"+44163296000{n}", DESK]) for n in sorted(CALLS)
    ]
    load(db, rows)
    ids = {n: row.call_id for n, row in zip(sorted(CALLS), rows, strict=True)}
    with db.unit_of_work() as session:
        for n, (values, duration) in CALLS.items():
            call, recording = ids[n], rows[n - 1].recording_id
            columns = {"record_decision": "yes", "ended_at": _at(STARTS[n]) + timedelta(minutes=5)}
            session.execute(update(Call).where(Call.id == call).values({**columns, **values}))
            if duration is None:
                session.execute(delete(DataKey).where(DataKey.recording_id == recording))
                session.execute(delete(Recording).where(Recording.id == recording))
            else:
                session.execute(
                    update(Recording).where(Recording.id == recording).values(duration_s=duration)
                )
        pause = _at(12) + timedelta(seconds=30)
        session.add(
            CallPause(call_id=ids[6], reason="payment", started_at=pause,
                      ended_at=pause + timedelta(seconds=60))
        )  # fmt: skip
        session.add(
            CallEvent(
                call_id=ids[9], client_event_id="e1", kind="recording_started",
                occurred_at=_at(16.01), received_at=_at(16.01), body={}, accepted=False,
                violation="the decision for this call is not to record", reported_by="pbx",
            )
        )  # fmt: skip
        session.add(
            ProviderRecording(
                call_id=ids[2], provider="twilio", recording_sid="RE0002", status="completed",
                duration_s=300.0, channels=2, received_at=_at(10.2), fetch_attempts=3,
                fetch_error="HTTP 404 from the provider", raw={},
            )
        )  # fmt: skip
    return ids


OURS = f"""call_id,source,start,end,duration_s,from,to,direction,queue
pbx-1,pbx,2026-11-03T09:00:05Z,,100,+441632960001,{DESK},inbound,sales
pbx-77,pbx,2026-11-03T12:00:40Z,,300,+441632960006,{DESK},inbound,sales
pbx-99,pbx,2026-11-03T17:00:00Z,,200,+441632960123,{DESK},inbound,sales
pbx-98,pbx,2026-11-02T17:00:00Z,,200,+441632960124,{DESK},inbound,sales
"""
TWILIO = """Sid,ParentCallSid,From,To,Direction,Status,StartTime,EndTime,Duration
CA0002,CA0001,+441632960005,+14155550177,outbound-dial,completed,2026-11-03T13:00:30Z,,60
CA0003,,+14155550101,+14155550199,inbound,busy,2026-11-03T18:00:00Z,,
CA0004,,+14155550102,+14155550199,inbound,completed,2026-11-03T18:30:00Z,,45
"""


def _cdrs(db: Database) -> None:
    for text, layout in ((OURS, "csv"), (TWILIO, "twilio")):
        with db.unit_of_work() as session:
            cdr.import_lines(session, SYSTEM, text.splitlines(True), layout, "x.csv")  # type: ignore[arg-type]


def test_each_defect_is_found_and_nothing_else(db: Database, settings: Settings) -> None:
    ids = _seed(db)
    _cdrs(db)

    found = run_check(db, "completeness", PERIOD, NOW, settings)

    recording_5 = f"rec_{5:012d}"
    assert set(found) == {
        f"missing:{ids[2]}",
        f"violation:{ids[5]}:{recording_5}",
        f"violation-started:{ids[9]}",
        f"short:{ids[6]}",
        "unknown:pbx:pbx-99",
        "unknown:twilio:CA0004",
        f"unended:{ids[10]}",
    }
    assert found[f"missing:{ids[2]}"].evidence.calls == (ids[2],)
    assert "HTTP 404 from the provider" in found[f"missing:{ids[2]}"].detail
    assert found[f"missing:{ids[2]}"].evidence.figures["provider_reported"] == 1
    assert found[f"violation:{ids[5]}:{recording_5}"].severity == "critical"
    short = found[f"short:{ids[6]}"].evidence.figures
    assert (short["call_s"], short["recorded_s"]) == (240.0, 100.0)
    assert found["unknown:pbx:pbx-99"].evidence.figures["import_file"] == "x.csv"
    later = run_check(db, "completeness", PERIOD, NOW + timedelta(days=2), settings)
    # call 3's grace period is over, and call 4 has been silent for a day
    assert set(later) == set(found) | {f"missing:{ids[3]}", f"unended:{ids[4]}"}


def test_the_policy_sets_the_grace_period_and_the_short_ratio(
    db: Database, settings: Settings
) -> None:
    ids = _seed(db)
    apply_policy_with(db, "  recording_grace_minutes: 5\n  short_recording_ratio: 0.4\n")

    found = run_check(db, "completeness", PERIOD, NOW, settings)

    assert f"missing:{ids[3]}" in found  # ended 10 minutes ago, past a 5-minute grace
    assert f"short:{ids[6]}" not in found  # 100 s of 240 s is above 40%


def test_a_period_without_calls_finds_nothing(db: Database, settings: Settings) -> None:
    _seed(db)
    _cdrs(db)
    empty = Period(DAY - timedelta(days=10), DAY - timedelta(days=9))
    assert run_check(db, "completeness", empty, NOW, settings) == {}
