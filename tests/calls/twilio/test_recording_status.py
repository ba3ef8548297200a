"""Recording-status callbacks: stored once, audited, and mapped into the call's ledger."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import select

from callwarden.db import Database
from callwarden.kit import clock
from callwarden.models import ProviderRecording
from tests.calls.twilio.fake import (
    ACCOUNT,
    BUSINESS_TX,
    FakeTwilio,
    Ledger,
    audit_actions,
    counts,
    head_seq,
    last_audit,
    sid,
)
from tests.support.factories import bearer, make_token

CALIFORNIA = {"FromCountry": "US", "FromState": "CA", "ToState": "TX"}


def recorded_call(twilio: FakeTwilio) -> str:
    call_sid, answer = twilio.voice("+14155550123", BUSINESS_TX, **CALIFORNIA)
    assert answer.verbs() == ["Start", "Say"]  # recording begins with the notice
    return call_sid


def stored(db: Database) -> list[ProviderRecording]:
    with db.reading() as session:
        rows = list(session.scalars(select(ProviderRecording).order_by(ProviderRecording.id)))
        session.expunge_all()  # keep the loaded values readable after the read ends
        return rows


def test_completed_recording_is_stored_and_stops_the_recording_in_the_ledger(
    twilio: FakeTwilio, ledger: Ledger, db: Database
) -> None:
    call_sid, recording_sid = recorded_call(twilio), sid("RE")
    progress = twilio.recording_status(call_sid, recording_sid, "in-progress")
    assert progress.status == 201 and progress.response.json()["event"] is None
    done = twilio.recording_status(call_sid, recording_sid, "completed")
    assert done.status == 201
    assert done.response.json() == {
        "call_id": ledger.call_id(call_sid),
        "recording_sid": recording_sid,
        "status": "completed",
        "duplicate": False,
        "event": "recording_stopped",
        "event_accepted": True,
    }
    rows = stored(db)
    assert [(r.status, r.duration_s, r.channels) for r in rows] == [
        ("in-progress", None, 2),
        ("completed", 42.0, 2),
    ]
    completed = rows[1]
    assert completed.provider == "twilio" and completed.call_id == ledger.call_id(call_sid)
    assert completed.media_url == (
        f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{recording_sid}"
    )
    assert completed.raw["RecordingSource"] == "StartCallRecordingAPI"
    assert completed.fetched_recording_id is None and completed.fetch_attempts == 0
    assert ledger.kinds(call_sid)[-1] == "recording_stopped"
    assert ledger.detail(call_sid)["recording_state"] == "stopped"
    event = last_audit(db, "twilio.recording_status")
    assert event.target == f"call:{ledger.call_id(call_sid)}"
    assert event.data["status"] == "completed" and event.data["event"] == "recording_stopped"


def test_a_replayed_callback_answers_200_and_writes_nothing(
    twilio: FakeTwilio, db: Database
) -> None:
    call_sid, recording_sid = recorded_call(twilio), sid("RE")
    assert twilio.recording_status(call_sid, recording_sid, "completed").status == 201
    before = counts(db)
    replay = twilio.recording_status(call_sid, recording_sid, "completed")
    assert replay.status == 200
    assert replay.response.json()["duplicate"] is True
    assert counts(db) == before


def test_simultaneous_deliveries_store_the_status_once(twilio: FakeTwilio, db: Database) -> None:
    call_sid, recording_sid = recorded_call(twilio), sid("RE")
    with ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(
                lambda _: twilio.recording_status(call_sid, recording_sid, "completed"), range(4)
            )
        )
    assert sorted(answer.status for answer in answers) == [200, 200, 200, 201]
    assert [r.status for r in stored(db)] == ["completed"]


def test_absent_recording_is_kept_with_twilios_reason(
    twilio: FakeTwilio, ledger: Ledger, db: Database
) -> None:
    call_sid = recorded_call(twilio)
    answer = twilio.recording_status(call_sid, sid("RE"), "absent", ErrorCode="16102")
    assert answer.response.json()["event"] == "recording_stopped"
    event = last_audit(db, "twilio.recording_status")
    assert event.reason == "Twilio kept no audio: the recording was silent"
    assert stored(db)[0].status == "absent"
    assert ledger.detail(call_sid)["recording_state"] == "stopped"


def test_failed_recording_is_kept_and_audited(twilio: FakeTwilio, db: Database) -> None:
    call_sid = recorded_call(twilio)
    answer = twilio.recording_status(call_sid, sid("RE"), "failed", ErrorCode="16104")
    assert answer.status == 201 and answer.response.json()["event"] == "recording_stopped"
    reason = last_audit(db, "twilio.recording_status").reason
    assert reason == "Twilio could not store the recording (error 16104)"


def test_a_recording_the_ledger_forbids_is_kept_as_a_violation(
    twilio: FakeTwilio, ledger: Ledger, db: Database
) -> None:
    """The German caller declined, yet Twilio reports a recording: the auditor must see it."""
    call_sid, answer = twilio.voice("+4930123456", BUSINESS_TX, FromCountry="DE")
    twilio.press(answer.gather_action(), call_sid, "2")
    recording_sid = sid("RE")
    reported = twilio.recording_status(call_sid, recording_sid, "in-progress")
    assert reported.status == 201
    assert reported.response.json()["event"] == "recording_started"
    assert reported.response.json()["event_accepted"] is False
    violations = ledger.consent(call_sid)["violations"]
    assert [(v["kind"], v["refused"]) for v in violations] == [("recording_started", True)]
    assert "consent was declined" in violations[0]["reason"]
    assert [r.status for r in stored(db)] == ["in-progress"]  # the evidence is kept


def test_after_the_call_ended_a_callback_changes_only_the_stored_rows(
    twilio: FakeTwilio, ledger: Ledger, db: Database, twilio_client: TestClient
) -> None:
    call_sid = recorded_call(twilio)
    # An administrator ends it: another integration cannot reach a call the Twilio adapter made.
    operator = bearer(make_token(db, "admin"))
    ended = twilio_client.post(
        f"/v1/calls/{ledger.call_id(call_sid)}/events",
        json={"event_id": "end", "kind": "call_ended", "occurred_at": clock.now().isoformat()},
        headers=operator,
    )
    assert ended.status_code == 201, ended.text
    answer = twilio.recording_status(call_sid, sid("RE"), "completed")
    assert answer.status == 201 and answer.response.json()["event"] is None
    assert ledger.consent(call_sid)["violations"] == []


def test_an_unknown_call_is_refused_and_audited(twilio: FakeTwilio, db: Database) -> None:
    seq = head_seq(db)
    unknown = "CA" + "e" * 32
    answer = twilio.recording_status(unknown, sid("RE"), "completed")
    assert answer.status == 404
    assert answer.problem()["code"] == "unknown_call"
    assert unknown in answer.problem()["detail"]
    assert audit_actions(db, after_seq=seq) == ["twilio.unknown_call"]
    assert last_audit(db, "twilio.unknown_call").target == f"twilio-call:{unknown}"
    assert stored(db) == []


def test_bad_callbacks_get_a_clear_422(twilio: FakeTwilio, db: Database) -> None:
    call_sid = recorded_call(twilio)
    before = counts(db)
    odd = twilio.recording_status(call_sid, sid("RE"), "exploded")
    assert odd.status == 422 and odd.problem()["detail"].startswith("RecordingStatus:")
    no_sid = twilio.recording_status(call_sid, "RE-nope", "completed")
    assert no_sid.status == 422 and "RecordingSid" in no_sid.problem()["detail"]
    assert counts(db) == before
