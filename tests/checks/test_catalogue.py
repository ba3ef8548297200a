"""Each check finds a seeded defect and says nothing about the clean case beside it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import update

from callwarden.checks import runs
from callwarden.checks.registry import Found
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.kit import clock
from callwarden.kit.ids import new_id
from callwarden.models import Call, CallEvent, CallParty, CallPause, CheckFinding, LegalHold
from tests.checks.conftest import DAY, PERIOD
from tests.support import bulk
from tests.support.console_calls import open_finding

Seed = Callable[..., bulk.Row]


def found(db: Database, settings: Settings, name: str) -> dict[str, CheckFinding]:
    """Run one check over the seeded day; its findings by key."""
    with clock.frozen_at(DAY + timedelta(days=2)), db.unit_of_work() as session:
        run = runs.run(session, "test", PERIOD, settings, [name])
        assert run.errors == {}, run.errors
    with db.reading() as session:
        rows = session.query(CheckFinding).filter_by(check_name=name).all()
        for row in rows:
            session.expunge(row)
        return {row.key: row for row in rows}


def test_notice_audio_gives_the_share_and_each_missing_notice(
    db: Database, settings: Settings, seed: Seed
) -> None:
    heard, unheard, clean = seed(), seed(), seed()
    open_finding(db, heard.recording_id, "notice_verified", "notice found at 1.0 s")
    missing = open_finding(db, unheard.recording_id, "notice_missing", "notice not found")
    results = found(db, settings, "notice_audio")
    share = next(f for k, f in results.items() if k.startswith("share:"))
    assert share.evidence["figures"] == {"analysed": 3, "verified": 1, "share": 0.3333}
    assert share.severity == "info"
    gap = results[f"notice_missing:{missing}"]
    assert gap.evidence["recordings"] == [unheard.recording_id]
    assert gap.evidence["calls"] == [unheard.call_id]
    assert not any(clean.recording_id in str(f.evidence) for f in results.values())
    assert len(results) == 2


def test_secure_pause_finds_unpaused_payment_calls_long_pauses_and_leaks(
    db: Database, settings: Settings, seed: Seed
) -> None:
    unpaused, paused, too_long, leaky = seed(), seed(), seed(), seed()
    with db.unit_of_work() as session:
        payment = [unpaused.call_id, paused.call_id, too_long.call_id]
        session.execute(
            update(Call).where(Call.id.in_(payment)).values(secure_pause=True, max_pause_s=120)
        )
        start = DAY + timedelta(minutes=61)
        for row, seconds in ((paused, 60), (too_long, 400)):
            session.add(
                CallPause(
                    call_id=row.call_id,
                    reason="payment",
                    started_at=start,
                    ended_at=start + timedelta(seconds=seconds),
                )
            )
    leak = open_finding(db, leaky.recording_id, "payment_audio_leak", "keypresses in pause")
    results = found(db, settings, "secure_pause")
    assert set(results) == {
        f"no_pause:{unpaused.call_id}",
        next(k for k in results if k.startswith("long_pause:")),
        f"leak:{leak}",
    }
    long_pause = next(f for k, f in results.items() if k.startswith("long_pause:"))
    assert long_pause.evidence["calls"] == [too_long.call_id]
    assert long_pause.evidence["figures"]["max_pause_s"] == 120
    assert results[f"leak:{leak}"].severity == "critical"
    assert "PCI" in results[f"no_pause:{unpaused.call_id}"].rule["text"]


def test_retention_finds_overdue_recordings_and_unreviewed_holds(
    db: Database, settings: Settings, seed: Seed
) -> None:
    overdue = seed(dispose_by=DAY - timedelta(days=3))
    held = seed(dispose_by=DAY - timedelta(days=3), legal_hold=True)
    seed(dispose_by=DAY + timedelta(days=30))
    seed(dispose_by=DAY - timedelta(days=3), disposed_at=DAY - timedelta(days=2))
    now = DAY + timedelta(days=2)
    with db.unit_of_work() as session:
        for name, age in (("old", 200), ("recent", 20), ("changed", 300)):
            session.add(
                LegalHold(
                    id=f"hold_{name}",
                    matter=f"matter {name}",
                    reason="litigation",
                    scope={"recordings": [held.recording_id]},
                    created_by="legal",
                    created_at=now - timedelta(days=age),
                )
            )
    with clock.frozen_at(now - timedelta(days=10)), db.unit_of_work() as session:
        from callwarden.audit import service as audit

        audit.record(
            session, actor="legal", action="hold.scope_changed", target="hold:hold_changed"
        )
    results = found(db, settings, "retention")
    assert set(results) == {f"overdue:{overdue.recording_id}", "hold_review:hold_old"}
    assert results[f"overdue:{overdue.recording_id}"].evidence["figures"]["days_over"] == 5
    assert results["hold_review:hold_old"].evidence["figures"]["review_days"] == 180


def _party(call_id: str, key: str, position: int, joined: object, **values: object) -> CallParty:
    defaults: dict[str, object] = {
        "role": "customer",
        "number": None,
        "jurisdiction": "US-CA",
        "location_source": "number",
        "rule": "all-party",
        "language": "en",
        "needs_notice": True,
        "needs_consent": True,
        "notice_script_id": None,
        "notice_at": None,
        "consent_status": "pending",
        "consent_at": None,
        "consent_method": None,
        "left_at": None,
    }
    defaults.update(values)
    return CallParty(call_id=call_id, key=key, position=position, joined_at=joined, **defaults)


def _event(call_id: str, kind: str, at: object, party_key: str | None = None) -> CallEvent:
    return CallEvent(
        call_id=call_id,
        client_event_id=new_id("ev"),
        kind=kind,
        occurred_at=at,
        received_at=at,
        party_key=party_key,
        body={},
        accepted=True,
        reported_by="pbx",
    )


def test_consent_finds_missing_late_consent_late_notice_and_no_renotice(
    db: Database, settings: Settings, seed: Seed
) -> None:
    clean, unconsented, late_notice, transferred = seed(), seed(), seed(), seed()
    began = DAY + timedelta(minutes=60)
    before = began - timedelta(seconds=5)
    transfer = began + timedelta(minutes=2)
    with db.unit_of_work() as session:
        session.execute(
            update(Call)
            .where(Call.id.in_([clean.call_id, unconsented.call_id, late_notice.call_id]))
            .values(governing_rule="all-party")
        )
        for row in (clean, unconsented, late_notice, transferred):
            session.execute(update(Call).where(Call.id == row.call_id).values(started_at=before))
        session.add(
            _party(clean.call_id, "c", 0, before, notice_at=before, consent_status="given",
                   consent_at=before)
        )  # fmt: skip
        session.add(_party(unconsented.call_id, "c", 0, before, notice_at=before))
        session.add(
            _party(late_notice.call_id, "c", 0, before, notice_at=began + timedelta(minutes=5),
                   consent_status="given", consent_at=before)
        )  # fmt: skip
        session.add(
            _party(transferred.call_id, "a", 0, before, rule="one-party", needs_consent=False,
                   notice_at=before, jurisdiction="US-NY")
        )  # fmt: skip
        session.add(
            _party(transferred.call_id, "b", 1, transfer, needs_consent=False,
                   notice_at=transfer)
        )  # fmt: skip
        session.add(_event(transferred.call_id, "transferred", transfer))
        session.add(_event(transferred.call_id, "notice_played", transfer, "b"))
    results = found(db, settings, "consent")
    assert set(results) == {
        f"consent:{unconsented.call_id}:c",
        f"notice:{late_notice.call_id}:c",
        next(k for k in results if k.startswith(f"renotice:{transferred.call_id}:a:")),
    }
    rule = results[f"consent:{unconsented.call_id}:c"].rule
    assert "632" in rule["citation"]  # California Penal Code § 632, from the knowledge base
    renotice = next(f for k, f in results.items() if k.startswith("renotice:"))
    assert "US-CA" in renotice.summary


def test_consent_judges_a_withdrawn_party_by_the_consent_it_gave_first(
    db: Database, settings: Settings, seed: Seed
) -> None:
    """Withdrawal overwrites the party's consent moment; the ledger still says when it was given."""
    in_time, never, late = seed(), seed(), seed()
    began = DAY + timedelta(minutes=60)
    before = began - timedelta(seconds=5)
    withdrew = began + timedelta(minutes=3)
    with db.unit_of_work() as session:
        for row in (in_time, never, late):
            session.execute(
                update(Call)
                .where(Call.id == row.call_id)
                .values(governing_rule="all-party", started_at=before)
            )
            session.add(
                _party(row.call_id, "c", 0, before, notice_at=before, consent_status="withdrawn",
                       consent_at=withdrew)
            )  # fmt: skip
        session.add(_event(in_time.call_id, "consent_given", before, "c"))
        session.add(_event(late.call_id, "consent_given", began + timedelta(minutes=1), "c"))
        session.execute(update(CallParty).where(CallParty.call_id == never.call_id).values(
            notice_at=None))  # fmt: skip
    results = found(db, settings, "consent")
    consent_keys = {k for k in results if k.startswith("consent:")}
    assert consent_keys == {f"consent:{never.call_id}:c", f"consent:{late.call_id}:c"}
    assert "never" in results[f"consent:{never.call_id}:c"].summary


def test_the_registry_lists_the_core_checks() -> None:
    names = set(runs.choose(None)[i].name for i in range(len(runs.choose(None))))
    assert {"consent", "notice_audio", "retention", "secure_pause"} <= names
    assert isinstance(Found, type)
