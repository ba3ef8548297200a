"""Who looked at recordings, from the audit trail: refused looks, unusual volumes, exports and
looks outside business hours.

Everything here is read from audit events, which are the record of access: `access.denied` on a
recording (a look outside the person's scope, refused), `recording.played` (each range the
player fetched, so plays are counted as distinct recordings, not events),
`recording.listening_granted` (a console listen, after a reason) and `recording.exported`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from callwarden.checks.registry import Context, Evidence, Found, Period, Rule, check
from callwarden.checks.thresholds import thresholds
from callwarden.models import AuditEvent
from callwarden.policy.schema import BusinessHours

DENIED = "access.denied"
PLAYED = "recording.played"
GRANTED = "recording.listening_granted"
EXPORTED = "recording.exported"
LOOKS = (PLAYED, GRANTED, EXPORTED)
# A refused attempt to hear the audio (or take it away) weighs more than one to see the metadata.
LISTENING = frozenset({"recordings.play", "recordings.export", "recordings.download"})
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# GDPR Art. 5(1)(f): personal data "processed in a manner that ensures appropriate security ...
# including protection against unauthorised or unlawful processing".
CONFIDENTIALITY = "GDPR Art. 5(1)(f)"
OUT_OF_SCOPE = Rule(
    "People open only the recordings their role and scope reach; a refused attempt is looked into.",
    CONFIDENTIALITY,
)
VOLUME = Rule(
    "A person plays no more recordings than their work needs: more than checks.volume_multiple "
    "times the median of the others in the same role, and at least checks.volume_minimum, is "
    "looked into (the organisation's policy)."
)
EXPORTS = Rule(
    "Every export of a recording's audio leaves the vault's protection and is reviewed "
    "(the organisation's policy)."
)
HOURS = Rule(
    "Recordings are opened within business hours (checks.business_hours); a look outside them "
    "is reviewed (the organisation's policy)."
)


@dataclass
class Looks:
    """One actor's looks at recordings in the period, by recording, with the events."""

    role: str = ""
    events: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _recording(target: str) -> str | None:
    return target.removeprefix("recording:") if target.startswith("recording:") else None


def _outside(hours: BusinessHours, zone: ZoneInfo, moment: datetime) -> tuple[bool, str]:
    local = moment.astimezone(zone)
    day = DAYS[local.weekday()]
    inside = day in hours.days and hours.start <= local.time() < hours.end
    return not inside, local.date().isoformat()


@check(
    "access",
    "Access to recordings",
    "From the audit trail of the period: each refused attempt to open a recording "
    "(access.denied), by person and recording; each person who opened more distinct "
    "recordings than checks.volume_multiple (default 3) times the median of the others in their "
    "role and at least checks.volume_minimum (default 20); each export of a recording's audio; "
    "and each recording opened outside checks.business_hours (default 08:00-19:00 UTC, Monday "
    "to Friday), by person, recording and local day.",
)
def access(session: Session, period: Period, context: Context) -> Iterator[Found]:
    limits = thresholds(session)
    hours = limits.business_hours
    zone = ZoneInfo(hours.timezone)
    denied: dict[tuple[str, str], list[int]] = defaultdict(list)
    attempted: dict[tuple[str, str], set[str]] = defaultdict(set)
    exports: dict[tuple[str, str], list[int]] = defaultdict(list)
    late: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    looks: dict[str, Looks] = defaultdict(Looks)
    rows = session.execute(
        select(
            AuditEvent.seq,
            AuditEvent.occurred_at,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.target,
            AuditEvent.data,
        )
        .where(
            AuditEvent.occurred_at >= period.start,
            AuditEvent.occurred_at < period.end,
            AuditEvent.action.in_((DENIED, *LOOKS)),
        )
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    for seq, occurred, actor, action, target, data in rows:
        recording = _recording(target)
        if recording is None:
            continue
        if action == DENIED:
            denied[(actor, recording)].append(seq)
            attempted[(actor, recording)].add(str((data or {}).get("attempted", "?")))
            continue
        mine = looks[actor]
        mine.role = str((data or {}).get("role", mine.role))
        mine.events[recording].append(seq)
        if action == EXPORTED:
            exports[(actor, recording)].append(seq)
        outside, day = _outside(hours, zone, occurred)
        if outside:
            late[(actor, recording, day)].append(seq)
    yield from _denied(denied, attempted)
    yield from _volumes(looks, period, limits.volume_multiple, limits.volume_minimum)
    yield from _exports(exports)
    yield from _late(late, hours)


def _user(actor: str) -> tuple[str, ...]:
    return (actor.removeprefix("user:"),) if actor.startswith("user:") else ()


def _denied(
    denied: dict[tuple[str, str], list[int]], attempted: dict[tuple[str, str], set[str]]
) -> Iterator[Found]:
    for (actor, recording), seqs in sorted(denied.items()):
        tried = sorted(attempted[(actor, recording)])
        listening = bool(set(tried) & LISTENING)
        yield Found(
            key=f"denied:{actor}:{recording}",
            severity="medium" if listening else "low",
            summary=f"{actor} was refused recording {recording} {len(seqs)} time(s) "
            f"({', '.join(tried)})",
            evidence=Evidence(
                recordings=(recording,),
                events=tuple(seqs),
                users=_user(actor),
                figures={"attempts": len(seqs), "attempted": ", ".join(tried)},
            ),
            rule=OUT_OF_SCOPE,
        )


def _volumes(
    looks: dict[str, Looks], period: Period, multiple: float, minimum: int
) -> Iterator[Found]:
    by_role: dict[str, dict[str, int]] = defaultdict(dict)
    for actor, mine in looks.items():
        by_role[mine.role][actor] = len(mine.events)
    span = f"{period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}"
    for role, counts in sorted(by_role.items()):
        for actor, opened in sorted(counts.items()):
            peers = [n for other, n in counts.items() if other != actor]
            if not peers:
                continue  # nobody to compare with
            median = statistics.median(peers)
            if opened < minimum or opened <= multiple * median:
                continue
            seqs = sorted(seq for events in looks[actor].events.values() for seq in events)
            yield Found(
                key=f"volume:{actor}:{span}",
                severity="medium",
                summary=f"{actor} opened {opened} recordings in the period; others in the role "
                f"{role} opened {median:g} (median of {len(peers)})",
                evidence=Evidence(
                    recordings=tuple(sorted(looks[actor].events))[:1000],
                    events=tuple(seqs[:1000]),
                    users=_user(actor),
                    figures={
                        "recordings_opened": opened,
                        "role": role,
                        "peers": len(peers),
                        "peer_median": median,
                        "multiple": multiple,
                        "minimum": minimum,
                    },
                ),
                rule=VOLUME,
            )


def _exports(exports: dict[tuple[str, str], list[int]]) -> Iterator[Found]:
    for (actor, recording), seqs in sorted(exports.items()):
        yield Found(
            key=f"export:{actor}:{recording}",
            severity="low",
            summary=f"{actor} exported recording {recording}",
            evidence=Evidence(
                recordings=(recording,),
                events=tuple(seqs),
                users=_user(actor),
                figures={"exports": len(seqs)},
            ),
            rule=EXPORTS,
        )


def _late(late: dict[tuple[str, str, str], list[int]], hours: BusinessHours) -> Iterator[Found]:
    window = f"{hours.start:%H:%M}-{hours.end:%H:%M} {hours.timezone}, {','.join(hours.days)}"
    for (actor, recording, day), seqs in sorted(late.items()):
        yield Found(
            key=f"after-hours:{actor}:{recording}:{day}",
            severity="low",
            summary=f"{actor} opened recording {recording} outside business hours on {day}",
            evidence=Evidence(
                recordings=(recording,),
                events=tuple(seqs),
                users=_user(actor),
                figures={"business_hours": window, "local_day": day},
            ),
            rule=HOURS,
        )
