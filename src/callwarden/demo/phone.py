"""A make-believe phone system: plays one scenario through the calls service, as a PBX would.

It creates the call, then follows the plan the service answers (start recording, play the
notice, gather consent) one event at a time, each in its own unit of work and at its own moment
on a frozen clock, so the ledger, the audit trail and the plan read as they would had the call
really happened then. What it would have captured is kept as clips for the recording; a seeded
defect is the phone system misbehaving (a silent notice, an unreported one, keys in a pause,
recording before consent), never the data being forged afterwards.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callwarden.calls import service as calls
from callwarden.calls.schemas import CallCreate, EventIn
from callwarden.db import Database
from callwarden.demo.audio import RATE, Signal, dial, spoken
from callwarden.demo.scenarios import AGENT_JURISDICTION, REGIONS, Scenario
from callwarden.identity.principal import Principal
from callwarden.kit import clock

CUSTOMER, AGENT = 0, 1  # channels: the customer's voice, and what is played or said to them
NETWORK_DELAY = timedelta(milliseconds=300)  # between an event and its report arriving
SOURCE = "demo-pbx"  # the calls' source, as the phone system names itself (and its CDR file)


@dataclass
class PlayedCall:
    """A call as played: its id and, if it was recorded, the clips of its recording."""

    call_id: str
    scenario: Scenario
    recording_start: datetime | None = None
    recorded_until_s: float | None = None
    ended_at: datetime | None = None
    clips: list[tuple[int, float, Signal]] = field(default_factory=list)
    violations: int = 0

    def duration_s(self) -> float:
        """How long the recorder ran (the recording's length)."""
        return self.recorded_until_s or 0.0


class PhoneCall:
    """One call in progress: the cursor in seconds since it began, and what is captured."""

    def __init__(self, db: Database, pbx: Principal, scenario: Scenario) -> None:
        self.db, self.pbx, self.scenario = db, pbx, scenario
        self.rng = random.Random(scenario.seed)  # noqa: S311 - reproducible, not secret
        self.at_s = 0.0
        self.events = 0
        self.recording_since: float | None = None
        self.paused = False
        self.played = PlayedCall("", scenario)
        self.plan: dict[str, Any] = {}
        self.agent_key = "agent"

    # -- the ledger -------------------------------------------------------------------------

    def moment(self) -> datetime:
        return self.scenario.started_at + timedelta(seconds=round(self.at_s, 3))

    def create(self) -> None:
        """`POST /v1/calls` as the phone system sends it: the customer by number (sometimes
        with the jurisdiction named too), the agent on the floor, the queue or line."""
        scenario = self.scenario
        customer: dict[str, Any] = {"role": "customer", "number": scenario.number}
        customer["language"] = scenario.language
        if scenario.explicit_location:
            customer["jurisdiction"] = REGIONS[scenario.region].jurisdiction
        agent = {"role": "agent", "jurisdiction": AGENT_JURISDICTION}
        parties = [customer, agent]
        if scenario.direction == "internal":
            parties = [{"role": "agent", "jurisdiction": AGENT_JURISDICTION}, agent]
        body = CallCreate.model_validate(
            {
                "direction": scenario.direction,
                "parties": parties,
                "queue": scenario.queue,
                "line": scenario.line,
                "agent": scenario.agent,
                "source": SOURCE,
                "external_id": f"demo-{scenario.index:05d}",
                "started_at": scenario.started_at.isoformat(),
            }
        )
        with clock.frozen_at(self.moment() + NETWORK_DELAY), self.db.unit_of_work() as session:
            view = calls.create_call(session, self.pbx, body)
            self.played.call_id = view.call.id
            self.plan = dict(view.call.plan)

    def send(self, kind: str, **fields: Any) -> bool:
        """Report one event; False when the service refused it (it is then kept as a violation)."""
        self.events += 1
        if self.recording_since is not None:
            fields.setdefault("offset_s", round(self.at_s - self.recording_since, 3))
        event = EventIn.model_validate(
            {
                "event_id": f"demo-{self.scenario.index:05d}-{self.events:03d}",
                "kind": kind,
                "occurred_at": self.moment().isoformat(),
                **fields,
            }
        )
        with clock.frozen_at(self.moment() + NETWORK_DELAY):
            try:
                with self.db.unit_of_work() as session:
                    result = calls.record_event(session, self.pbx, self.played.call_id, event)
                    self.plan = dict(result.call.plan)
            except calls.EventRefused as refusal:
                kept = "a refused event is kept as a violation, as the API keeps it"
                with self.db.separate_unit_of_work(kept) as session:
                    calls.record_violation(
                        session, self.pbx, self.played.call_id, event, refusal.detail
                    )
                self.played.violations += 1
                return False
        return True

    def steps(self) -> list[dict[str, Any]]:
        return list(self.plan.get("steps", []))

    # -- the audio --------------------------------------------------------------------------

    def capture(self, channel: int, samples: Signal) -> None:
        """What the recorder hears from now (nothing while it is off or paused)."""
        if self.recording_since is not None and not self.paused:
            self.played.clips.append((channel, self.at_s - self.recording_since, samples))

    def say(self, channel: int, text: str, voice: str, pause_after: tuple[float, float]) -> None:
        samples = spoken(text, voice)
        self.capture(channel, samples)
        self.at_s += samples.size / RATE + self.rng.uniform(*pause_after)

    def keys(self, digits: str, leak: bool = False) -> None:
        """The customer keys `digits`; with `leak`, the tones reach the recording even in a pause
        (a phone system that pauses its file but not the media it forwards)."""
        tones, _ = dial(digits, RATE, tone_s=0.1, pause_s=0.12, lead_s=0.2)
        if leak and self.recording_since is not None:
            self.played.clips.append((CUSTOMER, self.at_s - self.recording_since, tones))
        else:
            self.capture(CUSTOMER, tones)
        self.at_s += tones.size / RATE + 0.4

    def start_recording(self) -> None:
        if self.send("recording_started", offset_s=0.0):
            self.recording_since = self.at_s
            self.played.recording_start = self.moment()

    def stop_recording(self) -> None:
        if self.recording_since is not None:
            self.played.recorded_until_s = self.at_s - self.recording_since
            self.recording_since = None
