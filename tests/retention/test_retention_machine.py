"""Retention as a state machine: random intake, holds, releases, policy changes, clock moves,
sweeps and erasures, on both databases, with the issue's invariants checked after every step.

- no recording an active hold kept when it was disposed of has been disposed of;
- a recording disposed of by the schedule was not disposed of before its earliest moment (an
  erasure is the person's right, not the schedule: it may come earlier, but never takes what a
  hold or a sector rule's minimum keeps);
- after a sweep, nothing unheld is past its latest moment;
- every disposal is in a certificate that verifies with the public key alone, and no state
  shows a disposed recording whose data key survives.

The database is shared by the examples of one run (the invariants are about every row), and the
clock only moves forward across them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import yaml
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select, update

from callwarden.calls import service as calls
from callwarden.calls.schemas import CallCreate, EventIn
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.demo.people import as_principal
from callwarden.identity import service as identities
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.models import AuditHead, Base, DataKey, Disposal, Recording, RetentionSweep
from callwarden.policy import service as policies
from callwarden.recordings import intake
from callwarden.recordings.upload import IntakeRequest
from callwarden.retention import certificate, coverage, holds, sweeping
from callwarden.signing import load_signing_key
from callwarden.subjects import service as subjects
from callwarden.subjects.workflows import run_erasure
from callwarden.vault.runtime import vault_for
from tests.retention.sweeping import with_vault
from tests.support.audio import wav
from tests.support.policies import EXAMPLE_TEXT

LEGAL = Principal(actor="user:lee", role=Role.LEGAL)
OFFICER = Principal(actor="user:cora", role=Role.COMPLIANCE_OFFICER)
NUMBERS = tuple(f"+1415555010{n}" for n in range(1, 7))
HELD_NUMBERS = NUMBERS[:2]  # holds take these; the others' calls are held only by chance


def _policy(quality: str, dispute: str, dispose_at: str) -> str:
    """The example policy with other retention for the support queue's two purposes."""
    document: dict[str, Any] = yaml.safe_load(EXAMPLE_TEXT)
    for purpose, bounds in (("quality", quality), ("dispute_resolution", dispute)):
        low, high = bounds.split("/")
        document["purposes"][purpose]["retention"] = {"min": low, "max": high}
    document["retention"] = {"dispose_at": dispose_at}
    return yaml.safe_dump(document, sort_keys=False)


POLICIES = (
    EXAMPLE_TEXT,  # support: kept a year (the dispute minimum outlasts quality's six months)
    _policy("P10D/P45D", "P30D/P60D", "earliest"),  # earliest 30 days, latest 45
    _policy("P10D/P45D", "P30D/P60D", "latest"),
    _policy("P90D/P6M", "P20D/P40D", "latest"),  # earliest 90 days; conflict, the keep wins
)


def _fresh_start(db: Database, genesis: dict[str, Any]) -> Principal:
    """Every row gone but the audit chain's genesis head, then the example policy and a phone
    system: each example starts from an empty installation (so a failure replays the same)."""
    with db.unit_of_work() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table is not AuditHead.__table__:
                session.execute(table.delete())
        session.execute(update(AuditHead).values(**genesis))
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
        made = identities.create_service_identity(session, SYSTEM, name="pbx", display_name="PBX")
        return as_principal(made)


class RetentionMachine(RuleBasedStateMachine):
    holds_made = Bundle("holds")
    recordings_made = Bundle("recordings")

    def __init__(
        self,
        db: Database,
        settings: Settings,
        genesis: dict[str, Any],
        runs: list[tuple[int, set[str]]],
    ) -> None:
        super().__init__()
        self.db, self.settings, self.runs = db, settings, runs
        self.pbx = _fresh_start(db, genesis)

    def teardown(self) -> None:
        """Keep what the example did, so the test can say the machine disposed of anything."""
        with self.db.reading() as session:
            kinds = set(session.execute(select(RetentionSweep.kind)).scalars())
        self.runs.append((len(self._disposed()), kinds))

    # -- steps --------------------------------------------------------------------------------

    @rule(
        target=recordings_made,
        numbers=st.lists(st.sampled_from(NUMBERS), min_size=1, max_size=4),
        trading=st.booleans(),
    )
    def intake(self, numbers: list[str], trading: bool) -> MultipleResults[str]:
        """Calls from `numbers`, recorded (a trading-desk call is kept five years)."""
        return multiple(*(self._recorded_call(number, trading) for number in numbers))

    def _recorded_call(self, number: str, trading: bool) -> str:
        """A call from `number`, announced and recorded, its recording uploaded: through the
        services on the frozen clock (the way the demo's phone system plays calls)."""
        started = clock.now() - timedelta(minutes=5)
        body = CallCreate.model_validate(
            {
                "direction": "inbound",
                "queue": "trading" if trading else "support",
                "started_at": started.isoformat(),
                "parties": [
                    {"role": "customer", "number": number},
                    {"role": "agent", "jurisdiction": "US-TX"},
                ],
            }
        )
        with self.db.unit_of_work() as session:
            call_id = calls.create_call(session, self.pbx, body).call.id
        reports: list[tuple[str, dict[str, Any]]] = [
            ("notice_played", {"party": "customer"}),
            ("recording_started", {"offset_s": 0.0}),
        ]
        for second, (kind, fields) in enumerate(reports):
            event = EventIn.model_validate(
                {
                    "event_id": f"{call_id}-{kind}",
                    "kind": kind,
                    "occurred_at": (started + timedelta(seconds=second + 1)).isoformat(),
                    **fields,
                }
            )
            with self.db.unit_of_work() as session:
                calls.record_event(session, self.pbx, call_id, event)
        request = IntakeRequest(
            call_id=call_id,
            idempotency_key=call_id,
            channel_map=("customer", "agent"),
            started_at=started + timedelta(seconds=2),
        )
        vault = vault_for(self.settings)
        spool = self.settings.data_dir / "spool"
        stored = intake.ingest(self.db, vault, self.pbx, request, [wav(1.0)], spool)
        return str(stored.recording["recording_id"])

    @rule(target=holds_made, number=st.sampled_from(HELD_NUMBERS))
    def hold_a_number(self, number: str) -> str:
        return self._hold({"numbers": [number]})

    @rule(target=holds_made, recording=recordings_made)
    def hold_a_recording(self, recording: str) -> str:
        return self._hold({"recording_ids": [recording]})

    @rule(target=holds_made, back=st.integers(0, 60), span=st.integers(1, 20))
    def hold_a_time_range(self, back: int, span: int) -> str:
        start = clock.now() - timedelta(days=back)
        end = start + timedelta(days=span)
        return self._hold({"started": {"from": start.isoformat(), "to": end.isoformat()}})

    def _hold(self, scope: dict[str, Any]) -> str:
        with self.db.unit_of_work() as session:
            made = holds.create(session, LEGAL, "Matter", "a claim", scope, confirm_broad=True)
            return made.id

    @rule(hold=consumes(holds_made))
    def release(self, hold: str) -> None:
        with self.db.unit_of_work() as session:
            holds.release(session, LEGAL, hold, "matter settled")

    @rule(text=st.sampled_from(POLICIES))
    def policy_change(self, text: str) -> None:
        with self.db.unit_of_work() as session:
            policies.apply(session, SYSTEM, text, "policy.yaml")

    @rule(days=st.integers(1, 400))
    def clock_moves(self, days: int) -> None:
        clock.advance(timedelta(days=days))

    @rule()
    def sweep(self) -> None:
        held_before, disposed_before = self._held(), self._disposed()
        sweeping.sweep(self.db, self.settings, clock.now())
        self._check_newly_disposed(held_before, disposed_before)
        with self.db.reading() as session:
            overdue = session.execute(
                select(Recording.id).where(
                    Recording.state != "disposed",
                    Recording.dispose_by <= clock.now(),
                    ~coverage.covered(session),
                )
            ).all()
        assert overdue == [], "an unheld recording is past its latest moment after a sweep"

    @rule(number=st.sampled_from(NUMBERS))
    def erasure(self, number: str) -> None:
        held_before, disposed_before = self._held(), self._disposed()
        with self.db.unit_of_work() as session:
            request = subjects.open_request(
                session,
                OFFICER,
                kind="erasure",
                numbers=[number],
                law="gdpr",
                received_at=clock.now(),
                identity_verification="called back on the number on file",
                verified_by="Cora",
            )
            request_id = request.id
        run_erasure(self.db, self.settings, OFFICER, request_id)
        self._check_newly_disposed(held_before, disposed_before)

    # -- what must always be true ----------------------------------------------------------------

    def _held(self) -> set[str]:
        with self.db.reading() as session:
            return set(
                session.execute(select(Recording.id).where(coverage.covered(session))).scalars()
            )

    def _disposed(self) -> set[str]:
        with self.db.reading() as session:
            query = select(Recording.id).where(Recording.state == "disposed")
            return set(session.execute(query).scalars())

    def _check_newly_disposed(self, held_before: set[str], disposed_before: set[str]) -> None:
        newly = self._disposed() - disposed_before
        assert not (held_before & newly), "a recording a hold kept was disposed of"

    @invariant()
    def keys_and_tombstones_agree(self) -> None:
        disposed = self._disposed()
        with self.db.reading() as session:
            live = session.execute(
                select(DataKey.recording_id).where(
                    DataKey.recording_id.in_(disposed), DataKey.wrapped.is_not(None)
                )
            ).all()
            tombs = {row.recording_id: row for row in session.execute(select(Disposal)).scalars()}
        assert live == [], "a disposed recording's key still opens it"
        assert set(tombs) == disposed

    @invariant()
    def the_schedule_never_disposes_early(self) -> None:
        with self.db.reading() as session:
            rows = session.execute(
                select(Disposal.disposed_at, Disposal.retain_until)
                .join(RetentionSweep, RetentionSweep.id == Disposal.sweep_id)
                .where(RetentionSweep.kind == "schedule")
            ).all()
        for disposed_at, retain_until in rows:
            assert retain_until is not None
            assert clock.as_utc(disposed_at) >= clock.as_utc(retain_until)

    @invariant()
    def every_disposal_is_certified(self) -> None:
        public = load_signing_key(self.settings).public_key()
        with self.db.reading() as session:
            sweeps = [
                (row.finished_at, row.certificate, row.id)
                for row in session.execute(select(RetentionSweep)).scalars()
            ]
            tombs = session.execute(select(Disposal.recording_id, Disposal.sweep_id)).all()
        for finished_at, text, sweep_id in sweeps:
            mine = {recording_id for recording_id, swept_by in tombs if swept_by == sweep_id}
            assert finished_at is not None, "a sweep was left unfinished"
            assert (text is not None) == bool(mine)
            if text is not None:
                listed = certificate.verify(text, public).recordings
                assert {entry["recording_id"] for entry in listed} == mine


def test_retention_keeps_its_promises_whatever_happens(db: Database, settings: Settings) -> None:
    with_vault(settings)
    with db.reading() as session:
        head = session.execute(select(AuditHead.__table__)).one()._asdict()
    runs: list[tuple[int, set[str]]] = []
    with clock.frozen_at(clock.now()):
        run_state_machine_as_test(
            # A factory is what hypothesis calls; its stubs name only the class.
            cast(type[RuleBasedStateMachine], lambda: RetentionMachine(db, settings, head, runs)),
            settings=hypothesis_settings(
                max_examples=25,
                stateful_step_count=30,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
            ),
        )
    disposed = sum(count for count, _ in runs)
    kinds = set().union(*(made for _, made in runs))
    print(f"{len(runs)} examples: {disposed} recordings disposed of, sweeps {sorted(kinds)}")
    assert disposed, "the machine never disposed of anything: it tested nothing"
