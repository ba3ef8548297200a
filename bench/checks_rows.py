"""The rows of one chunk of synthetic calls for the checks benchmark (see `checks_data.py`),
and the audit events they make, chained with the audit trail's own hash functions."""

from __future__ import annotations

import heapq
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from callwarden.audit.chain import canonical_content, link_hash

if TYPE_CHECKING:
    from checks_data import Mix, People

S = timedelta(seconds=1)
SOURCE = "service:twilio"
JURISDICTIONS = {"one-party": ("US-TX", "US-NY"), "notice": ("GB", "DE"), "all-party": ("US-CA",)}
SHA = "ab" * 32
# (moment, tie-breaker, actor, action, target, reason, data)
Pending = tuple[datetime, int, str, str, str, str | None, dict[str, Any]]


@dataclass
class Chain:
    """The audit chain as it grows: its head, the N-th events to sign, and events not yet due
    (a play days after its call is written among that day's events)."""

    seq: int
    head: str
    every: int
    signed: list[tuple[int, str]] = field(default_factory=list)
    later: list[Pending] = field(default_factory=list)
    ties: int = 0

    def add(self, at: datetime, actor: str, action: str, target: str, reason: str | None,
            data: dict[str, Any]) -> None:  # fmt: skip
        self.ties += 1
        heapq.heappush(self.later, (at, self.ties, actor, action, target, reason, data))

    def due(self, until: datetime | None) -> list[tuple[Any, ...]]:
        """The events before `until` (all, with None), in time order, as chained rows."""
        rows = []
        while self.later and (until is None or self.later[0][0] < until):
            at, _, actor, action, target, reason, data = heapq.heappop(self.later)
            self.seq += 1
            content = canonical_content(self.seq, at, actor, action, target, reason, data)
            digest = link_hash(self.head, content)
            rows.append((self.seq, at, actor, action, target, reason, json.dumps(data),
                         self.head, digest))  # fmt: skip
            if self.seq % self.every == 0:
                self.signed.append((self.seq, digest))
            self.head = digest
        return rows


@dataclass
class Chunk:
    """Rows by table for one chunk of calls."""

    tables: dict[str, list[tuple[Any, ...]]]

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables[table].append(row)


@dataclass(frozen=True)
class Setting:
    mix: Mix
    people: People
    start: datetime
    step_s: float
    now: datetime
    version: int


def calls(rng: random.Random, setting: Setting, first: int, count: int, chain: Chain,
          tables: dict[str, list[tuple[Any, ...]]]) -> None:  # fmt: skip
    """Rows for calls first..first+count-1 into `tables`, their audit events into `chain`."""
    chunk = Chunk(tables)
    for i in range(first, first + count):
        _call(rng, setting, i, chunk, chain)


def _call(rng: random.Random, s: Setting, i: int, out: Chunk, chain: Chain) -> None:
    mix = s.mix
    started = s.start + timedelta(seconds=(i + rng.random()) * s.step_s)
    u = rng.random()
    rule = (
        "all-party"
        if u < mix.all_party
        else "notice"
        if u < mix.all_party + mix.notice
        else ("one-party")
    )
    recorded = rng.random() < mix.recorded
    decision = ("after_consent" if rule == "all-party" else "yes") if recorded else "no"
    payment = recorded and rng.random() < mix.payment
    transfer = recorded and rule == "notice" and rng.random() < mix.transfer
    duration = rng.randint(300 if payment or transfer else 60, 900)
    unended = recorded and rng.random() < mix.unended
    ended = started + duration * S
    call_id, external, decision_id = f"call_{i:010d}", f"CA{i:032x}", f"dec_{i:010d}"
    agent, team, agent_number = s.people.agents[rng.randrange(len(s.people.agents))]
    customer_number = f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}"
    queue = f"q{i % 10}"
    out.add("decisions", (
        decision_id, external, started, SOURCE, "{}", json.dumps({"record": decision}), decision,
        rule, s.version, "bench",
    ))  # fmt: skip
    out.add("calls", (
        call_id, "twilio", external, "inbound", "{}", "active" if unended else "ended",
        "recording" if unended else "stopped", decision,
        "explicit" if rule == "all-party" else "none", rule, rule != "one-party", False, payment,
        180, "stop", "stop", "keep_with_violation", None, False, decision_id, s.version, "{}", 1,
        SOURCE, agent, team, started, None if unended else ended,
        started + 30 * S if unended else ended,
    ))  # fmt: skip
    chain.add(started, SOURCE, "call.created", f"call:{call_id}", None,
              {"decision_id": decision_id, "record": decision, "source": "twilio",
               "external_id": external})  # fmt: skip
    began = started + 10 * S
    events: list[tuple[str, datetime, str | None, bool, str | None]] = []
    jurisdiction = rng.choice(JURISDICTIONS[rule])
    needs_notice, needs_consent = rule != "one-party", rule == "all-party"
    notice_at = None
    if needs_notice:
        late = rng.random() < mix.late_notice
        notice_at = began + 40 * S if late else started + 3 * S
        events.append(("notice_played", notice_at, "customer", True, None))
    consent_at, consent = None, "none"
    if needs_consent and not rng.random() < mix.no_consent:
        consent_at, consent = started + 8 * S, "given"
        events.append(("consent_given", consent_at, "customer", True, None))
    out.add("call_parties", (
        call_id, "agent", 0, "agent", agent_number, "US-TX", "none", "one-party", False, False,
        None, "none", None, None, started, None if unended else ended,
    ))  # fmt: skip
    out.add("call_parties", (
        call_id, "customer", 1, "customer", customer_number, jurisdiction, "number", rule,
        needs_notice, needs_consent, notice_at, consent, consent_at,
        "dtmf" if consent_at else None, started, None if unended else ended,
    ))  # fmt: skip
    parties = [("agent", "agent", agent_number, "US-TX"),
               ("customer", "customer", customer_number, jurisdiction)]  # fmt: skip
    if transfer:
        moved = started + 120 * S
        out.add("call_parties", (
            call_id, "transfer", 2, "customer", f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}",
            "US-CA", "number", "all-party", True, True, moved + 2 * S, "given", moved + 4 * S,
            "dtmf", moved, ended,
        ))  # fmt: skip
        parties.append(("transfer", "customer", "", "US-CA"))
        events.append(("transferred", moved, "transfer", True, None))
        if not rng.random() < mix.no_renotice:
            events.append(("notice_played", moved + 2 * S, None, True, None))
    if recorded:
        events.append(("recording_started", began, None, True, None))
    elif rng.random() < mix.refused_start:
        events.append(("recording_started", began, None, False, "must not be recorded"))
    paused = 0.0
    if payment and not rng.random() < mix.no_pause:
        long = rng.random() < mix.long_pause
        pause_start = started + 150 * S
        pause_end = pause_start + (240 if long else rng.randint(30, 120)) * S
        paused = (pause_end - pause_start).total_seconds()
        out.add("call_pauses", (call_id, "payment", pause_start, pause_end, long))
        events.append(("recording_paused", pause_start, None, True, None))
        events.append(("recording_resumed", pause_end, None, True, None))
    for n, (kind, at, party, accepted, refusal) in enumerate(events):
        out.add("call_events", (call_id, f"e{n}", kind, at, at, party, "{}", accepted, refusal,
                                SOURCE))  # fmt: skip
    _cdr(rng, s, i, out, external, started, ended, duration, customer_number, agent_number, queue)
    missing = recorded and rng.random() < mix.missing
    violation = not recorded and rng.random() < mix.stored_violation
    if unended or missing or not (recorded or violation):
        return
    length = (ended - began).total_seconds() - paused
    if rng.random() < mix.short:
        length *= 0.3
    _recording(rng, s, i, out, chain, call_id, began, ended, length, payment, parties, queue,
               agent, team, needs_notice)  # fmt: skip


def _recording(rng: random.Random, s: Setting, i: int, out: Chunk, chain: Chain, call_id: str,
               began: datetime, ended: datetime, length: float, payment: bool,
               parties: list[tuple[str, str, str, str]], queue: str, agent: str, team: str,
               needs_notice: bool) -> None:  # fmt: skip
    mix = s.mix
    recording_id, size = f"rec_{i:010d}", int(length * 16000)
    analysed = ended + 600 * S if rng.random() < mix.analysed else None
    dispose_by = s.now - 2 * 86400 * S if rng.random() < mix.overdue else began + 365 * 86400 * S
    keep = began + 180 * 86400 * S
    places = sorted({p[3] for p in parties})
    out.add("recordings", (
        recording_id, call_id, recording_id, "twilio", "stored", f"bench/{recording_id}",
        "filesystem", "cwv1", "pcm_s16le", "audio/wav", 8000, 2, '["agent", "customer"]', length,
        SHA, size, size + 100, "cd" * 32, size + 44, '["quality"]', None, keep, dispose_by, keep,
        False, False, "inbound", queue, agent, team, json.dumps(places), "[]", began, ended,
        SOURCE, analysed,
    ))  # fmt: skip
    for key, role, number, place in parties:
        out.add("recording_parties", (recording_id, key, role, number or None, place))
    out.add("data_keys", (recording_id, "placeholder", 1, ended))
    chain.add(ended + 5 * S, SOURCE, "recording.stored", f"recording:{recording_id}", None,
              {"call_id": call_id, "sha256": SHA, "size": size})  # fmt: skip
    if analysed is not None:
        if needs_notice and rng.random() < mix.notice_missing:
            out.add("findings", (recording_id, "notice_missing", "high", "open", "audio",
                                 "no notice heard in the first 30 s", "{}", analysed))  # fmt: skip
        elif needs_notice:
            out.add("findings", (recording_id, "notice_verified", "info", "open", "audio",
                                 "notice heard", '{"party": "customer"}', analysed))  # fmt: skip
        if payment and rng.random() < mix.leak:
            out.add("findings", (recording_id, "payment_audio_leak", "critical", "open", "audio",
                                 "keypresses inside a pause", "{}", analysed))  # fmt: skip
    if rng.random() < mix.played:
        _plays(rng, s, chain, recording_id, ended, size)
    if rng.random() < 0.0001:
        intruder = rng.choice(s.people.intruders)
        chain.add(ended + 3600 * S, f"user:{intruder}", "access.denied",
                  f"recording:{recording_id}", "outside the agent's own calls",
                  {"attempted": rng.choice(("recordings.play", "recordings.read")),
                   "role": "agent"})  # fmt: skip


def _plays(rng: random.Random, s: Setting, chain: Chain, recording_id: str, ended: datetime,
           size: int) -> None:  # fmt: skip
    """One listener plays the recording a few days later, in fetched ranges; in business
    hours, bar a few late evenings; now and then one exports it."""
    username, role = rng.choice(s.people.listeners)
    day = (ended + rng.randint(1, 5) * 86400 * S).replace(hour=0, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5:
        day += 86400 * S
    late = rng.random() < s.mix.out_of_hours
    at = day + timedelta(hours=rng.randint(20, 22) if late else rng.randint(8, 17),
                         minutes=rng.randint(0, 59))  # fmt: skip
    ranges = rng.randint(1, 3)
    for k in range(ranges):
        start, end = k * size // ranges, (k + 1) * size // ranges - 1
        chain.add(at + 20 * k * S, f"user:{username}", "recording.played",
                  f"recording:{recording_id}", "quality review",
                  {"range": [start, end], "bytes": end - start + 1, "whole": False,
                   "role": role, "basis": "scope", "verified_before_sending": True})  # fmt: skip
    if rng.random() < s.mix.exported:
        chain.add(at + 90 * S, f"user:{username}", "recording.exported",
                  f"recording:{recording_id}", "complaint file",
                  {"range": [0, size - 1], "bytes": size, "whole": True, "role": role,
                   "basis": "scope", "verified_before_sending": True})  # fmt: skip


def _cdr(rng: random.Random, s: Setting, i: int, out: Chunk, external: str, started: datetime,
         ended: datetime, duration: int, customer: str, agent: str,
         queue: str) -> None:  # fmt: skip
    """The phone system's record of the call (by id, as a child leg, or from another system
    that only knows the numbers), and now and then a record of a call that never reached us."""
    mix, imported = s.mix, s.now - 86400 * S
    u = rng.random()
    if u < mix.cdr_parent:
        source, own, parent = "twilio", f"CH{i:032x}", external
    elif u < mix.cdr_parent + mix.cdr_numbers:
        source, own, parent = "pbx", f"pbx-{i:010d}", None
    else:
        source, own, parent = "twilio", external, None
    out.add("cdr_records", (source, own, started + S, ended, duration, customer, agent,
                            "inbound", queue, "completed", parent, imported,
                            "calls.csv"))  # fmt: skip
    if rng.random() < mix.cdr_unanswered:
        out.add("cdr_records", ("twilio", f"CX{i:032x}", started + 3 * S, started + 30 * S, 0,
                                f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}", agent,
                                "inbound", queue, "no-answer", None, imported,
                                "calls.csv"))  # fmt: skip
    if rng.random() < mix.cdr_unknown:
        out.add("cdr_records", ("twilio", f"CU{i:032x}", started + 5 * S, ended, duration,
                                f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}",
                                f"+1{rng.randrange(2_000_000_000, 9_999_999_999)}", "inbound",
                                queue, "completed", None, imported, "calls.csv"))  # fmt: skip
