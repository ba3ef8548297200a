"""The demo month as plain values: who works here, and what each call will be like.

Pure (values in, values out): `plan_month` draws every call from a seeded generator, so one seed
gives the same month on every machine, and the seeded defects the console and the checks should
show (a notice the audio lacks, keys pressed inside a payment pause, a refused event, a
recording that never arrives) are always among the calls; `ghost_call` draws the one call the
phone system carried but never told callwarden of. The filling (`fill.py`) then plays each
scenario through the services; `defects.SEEDED_DEFECTS` says which check must find each defect.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Consent = Literal["accept", "decline", "withdraw"]
Direction = Literal["inbound", "outbound", "internal"]
Defect = Literal[
    "notice_silent", "notice_unreported", "keys_in_pause", "early_recording", "recording_lost"
]


@dataclass(frozen=True)
class Member:
    """A person of the demo organisation (the administrator is added by init)."""

    username: str
    role: str
    display_name: str
    team: str | None = None


TEAMS = ("north", "south")
QA_REVIEWER = "qa"
STAFF = (
    Member("compliance", "compliance_officer", "Cora Compliance"),
    Member("supervisor-north", "supervisor", "Sam North", "north"),
    Member("supervisor-south", "supervisor", "Sue South", "south"),
    Member(QA_REVIEWER, "qa_reviewer", "Quinn Reviewer"),
    Member("agent-ada", "agent", "Ada Okafor", "north"),
    Member("agent-ben", "agent", "Ben Marsh", "north"),
    Member("agent-cleo", "agent", "Cleo Ruiz", "south"),
    Member("agent-dev", "agent", "Dev Patel", "south"),
    Member("legal", "legal", "Lee Counsel"),
    Member("auditor", "auditor", "Avery Auditor"),
)
AGENTS = tuple(member.username for member in STAFF if member.role == "agent")
PHONE_SYSTEM = "pbx-demo"  # the service identity the calls come from
AGENT_JURISDICTION = "US-TX"  # the contact centre's floor


@dataclass(frozen=True)
class Region:
    """Where a customer calls from: a number prefix (fictional ranges) and a language."""

    jurisdiction: str
    prefix: str
    language: str
    digits: int  # how many digits follow the prefix


REGIONS = {
    "US-TX": Region("US-TX", "+1512555", "en", 4),
    "US-CA": Region("US-CA", "+1415555", "en", 4),
    "US-WA": Region("US-WA", "+1206555", "en", 4),
    "US-NY": Region("US-NY", "+1212555", "en", 4),
    "US-FL": Region("US-FL", "+1305555", "en", 4),
    "CA": Region("CA", "+1416555", "en", 4),
    "GB": Region("GB", "+4420794", "en", 5),
    "DE": Region("DE", "+49309018", "de", 4),
    "FR": Region("FR", "+3314020", "fr", 4),
    "IE": Region("IE", "+3531604", "en", 4),
}
HR_LINE = "+15125550100"  # the example policy never records this line


@dataclass(frozen=True)
class Scenario:
    """One call to play: its facts, how the customer behaves, and any defect to seed."""

    index: int
    started_at: datetime
    direction: Direction
    queue: str | None
    region: str
    number: str
    explicit_location: bool  # the phone system names the jurisdiction, else it is located
    agent: str
    consent: Consent = "accept"
    transfer_to: str | None = None
    payment_pause: bool = False
    defect: Defect | None = None
    line: str | None = None
    talk_s: float = 40.0
    seed: int = 0

    @property
    def language(self) -> str:
        return REGIONS[self.region].language


@dataclass(frozen=True)
class _Shape:
    """What kind of call a scenario is, before its time, number and agent are drawn."""

    queue: str | None
    region: str
    direction: Direction = "inbound"
    consent: Consent = "accept"
    transfer: bool = False
    payment_pause: bool = False
    defect: Defect | None = None
    line: str | None = None


# The calls every demo month has, whatever its size: each shows something the console must.
_SEEDED = (
    _Shape("support", "US-CA", defect="notice_silent"),
    _Shape("payments", "US-NY", payment_pause=True, defect="keys_in_pause"),
    _Shape("support", "DE", defect="early_recording"),
    _Shape("support", "DE", consent="decline"),
    _Shape("payments", "US-FL", payment_pause=True),
    _Shape("support", "CA", transfer=True),
    _Shape("support", "US-WA", defect="notice_unreported"),
    _Shape("trading", "GB", defect="recording_lost"),
    _Shape("sales", "US-TX", direction="outbound"),
    _Shape("support", "FR"),
    _Shape("support", "DE", consent="withdraw"),
    _Shape("billing", "IE"),
)
_QUEUES = (("support", 40), ("billing", 12), ("payments", 18), ("sales", 14), ("trading", 8))
_REGION_WEIGHTS = {
    "support": {"US-TX": 5, "US-CA": 4, "US-NY": 3, "US-FL": 2, "US-WA": 2, "CA": 2, "DE": 2,
                "FR": 1, "IE": 1},
    "billing": {"US-TX": 3, "US-CA": 2, "US-NY": 2, "CA": 1, "IE": 1, "GB": 1},
    "payments": {"US-TX": 4, "US-CA": 3, "US-NY": 2, "US-FL": 2, "CA": 1},
    "sales": {"US-TX": 4, "US-NY": 3, "US-FL": 2, "US-CA": 2, "US-WA": 1},
    "trading": {"GB": 6, "IE": 2, "DE": 1, "FR": 1},
}  # fmt: skip
MINIMUM_CALLS = len(_SEEDED)
LONGEST_CALL = timedelta(minutes=6)  # a call, its upload and a margin


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _start_times(rng: random.Random, count: int, days: int, now: datetime) -> list[datetime]:
    """Office hours (13:00-22:00 UTC, the floor's 8 to 5) on the `days` before `now`, weekdays
    busier, every call finished an hour before `now`."""
    latest = now - timedelta(hours=1, minutes=10)
    first_day = (now - timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
    day_weights = []
    for offset in range(days + 1):
        day = first_day + timedelta(days=offset)
        day_weights.append(1 if day.weekday() >= 5 else 5)
    times: list[datetime] = []
    while len(times) < count:
        offset = rng.choices(range(days + 1), weights=day_weights)[0]
        moment = first_day + timedelta(
            days=offset, hours=13, seconds=rng.uniform(0, 9 * 3600 - 600)
        )
        if moment < latest and moment > now - timedelta(days=days):
            times.append(moment.replace(microsecond=0))
    return _one_at_a_time(sorted(times), latest)


def _one_at_a_time(times: list[datetime], latest: datetime) -> list[datetime]:
    """Start each call after the one before has ended and uploaded, so that calls played one
    by one leave an audit trail in time order; unless the month is too full for that."""
    spaced = list(times)
    for index in range(1, len(spaced)):
        spaced[index] = max(spaced[index], spaced[index - 1] + LONGEST_CALL)
    return spaced if not spaced or spaced[-1] < latest else times


def plan_month(calls: int, days: int, now: datetime, seed: int) -> list[Scenario]:
    """`calls` scenarios over the `days` before `now`, in time order; the seeded ones included."""
    if calls < MINIMUM_CALLS:
        raise ValueError(f"a demo month needs at least {MINIMUM_CALLS} calls")
    rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    shapes = list(_SEEDED)
    while len(shapes) < calls:
        shapes.append(_random_shape(rng))
    rng.shuffle(shapes)
    return [
        _scenario(rng, index, moment, shape)
        for index, (moment, shape) in enumerate(
            zip(_start_times(rng, calls, days, now), shapes, strict=True)
        )
    ]


def _random_shape(rng: random.Random) -> _Shape:
    roll = rng.random()
    if roll < 0.02:
        return _Shape(None, "US-TX", line=HR_LINE)
    if roll < 0.04:
        return _Shape(None, "US-TX", direction="internal")
    queue = rng.choices([q for q, _ in _QUEUES], weights=[w for _, w in _QUEUES])[0]
    region = _weighted(rng, _REGION_WEIGHTS[queue])
    return _Shape(
        queue,
        region,
        direction="outbound" if queue == "sales" else "inbound",
        consent="decline" if region == "DE" and rng.random() < 0.3 else "accept",
        transfer=queue in {"support", "billing"} and rng.random() < 0.12,
        payment_pause=queue == "payments" and rng.random() < 0.8,
    )


def _scenario(rng: random.Random, index: int, moment: datetime, shape: _Shape) -> Scenario:
    region = REGIONS[shape.region]
    number = region.prefix + "".join(str(rng.randrange(10)) for _ in range(region.digits))
    agent = rng.choice(AGENTS)
    transfer_to = rng.choice([a for a in AGENTS if a != agent]) if shape.transfer else None
    return Scenario(
        index=index,
        started_at=moment,
        direction=shape.direction,
        queue=shape.queue,
        region=shape.region,
        number=number,
        explicit_location=rng.random() < 0.3,
        agent=agent,
        consent=shape.consent,
        transfer_to=transfer_to,
        payment_pause=shape.payment_pause,
        defect=shape.defect,
        line=shape.line,
        talk_s=round(rng.uniform(25.0, 75.0), 1),
        seed=rng.randrange(2**31),
    )


# -- what the checks must find ----------------------------------------------------------------

CENTRE_NUMBER = "+15125550199"  # the contact centre's own line, as call-detail records show it


@dataclass(frozen=True)
class Ghost:
    """A call the phone system carried and logged but never reported to callwarden: it is in
    the call-detail file only (a misrouted trunk, say), so no decision and no recording."""

    external_id: str
    started_at: datetime
    number: str
    talk_s: float


def ghost_call(month: list[Scenario], seed: int) -> Ghost:
    """The month's one unknown call: numbered after the month's last call, in the middle of the
    month between two calls, from a number no call of the month has. Its own generator, so the
    month's draws stay as they were."""
    rng = random.Random(f"ghost-{seed}")  # noqa: S311 - reproducible draws, not secrets
    middle = month[len(month) // 2].started_at
    region = REGIONS["US-TX"]
    known = {scenario.number for scenario in month}
    number = ""
    while not number or number in known:
        number = region.prefix + "".join(str(rng.randrange(10)) for _ in range(region.digits))
    return Ghost(
        external_id=f"demo-{len(month):05d}",
        started_at=middle + timedelta(seconds=rng.randrange(60, 150)),
        number=number,
        talk_s=round(rng.uniform(30.0, 90.0), 1),
    )
