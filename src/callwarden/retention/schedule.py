"""How long a recording must be kept, and by when it must go, from its call's purposes.

Pure: the compiled policy (its document and the law knowledge base it was checked against), the
purposes and the moment the recording started in; the schedule out. The earliest moment it may
be disposed of is set by the longest minimum of every rule that applies (each purpose's own
minimum and the minimum of each sector rule a purpose names); the latest by the shortest
maximum (purposes' maxima, sector rules' `max_retention`). Where they conflict, the duty to keep
wins: the latest moment is raised to the earliest and a reason says so. The policy's
`retention.dispose_at` picks which of the two the sweep takes.

The comparison is made on dates, not on durations: calendar periods of different units (one
month, thirty days) are longer or shorter than each other depending on the day they start.
Reasons are plain words naming the rules and their citations, for people to read, without the
dates (which sit beside them), so one set of purposes gives one set of reasons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from callwarden.decisions.compiled import CompiledPolicy
from callwarden.law.durations import Duration


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule that sets a period: a policy purpose or a sector rule of the knowledge base."""

    id: str
    name: str
    citation: str
    period: Duration
    uncertain: bool = False

    def ref(self) -> dict[str, str]:
        return {"id": self.id, "citation": self.citation}

    def said(self) -> str:
        doubt = " (marked uncertain in the law knowledge base)" if self.uncertain else ""
        return f"{self.name} ({self.citation}){doubt}"


@dataclass(frozen=True, slots=True)
class Rules:
    """The minima and maxima that apply to one set of purposes under one policy."""

    minima: tuple[Rule, ...] = ()
    maxima: tuple[Rule, ...] = ()


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    purposes: list[str]
    retention_class: str | None
    retain_until: datetime | None
    dispose_by: datetime | None = None
    disposal_due: datetime | None = None
    reasons: list[dict[str, Any]] = field(default_factory=list)
    policy_version: int | None = None
    dispose_at: str = "earliest"


def _purpose_rule(version: int, name: str, period: Duration) -> Rule:
    return Rule(
        id=f"purpose:{name}",
        name=f"the {name} purpose",
        citation=f"policy version {version}",
        period=period,
    )


def rules_for(policy: CompiledPolicy, purposes: Sequence[str]) -> Rules:
    """Every minimum and maximum that applies to recordings kept for `purposes`.

    Purposes the policy does not define contribute nothing (the caller decides whether that is
    an error); a sector rule the knowledge base does not know is left out the same way (the
    policy validator has already refused such a policy).
    """
    document, minima, maxima = policy.document, [], []
    seen: set[str] = set()
    for name in dict.fromkeys(purposes):
        purpose = document.purposes.get(name)
        if purpose is None:
            continue
        minima.append(_purpose_rule(policy.version, name, purpose.retention.min))
        if purpose.retention.max is not None:
            maxima.append(_purpose_rule(policy.version, name, purpose.retention.max))
        for sector_id in purpose.sector_rules:
            sector = policy.kb.sectors.get(sector_id)
            if sector is None or sector_id in seen:
                continue
            seen.add(sector_id)
            citation = "; ".join(citation.cite for citation in sector.citations)
            for period, into in ((sector.min_retention, minima), (sector.max_retention, maxima)):
                if period is not None:
                    into.append(Rule(sector.id, sector.name, citation, period, sector.uncertain))
    return Rules(tuple(minima), tuple(maxima))


def _binding(
    rules: Sequence[Rule], started_at: datetime, longest: bool
) -> tuple[datetime, list[Rule]]:
    """The moment the binding rules give, and every rule that gives that same moment."""
    moments = [(rule.period.add_to(started_at), rule) for rule in rules]
    chosen = max(m for m, _ in moments) if longest else min(m for m, _ in moments)
    return chosen, [rule for moment, rule in moments if moment == chosen]


def _names(rules: Sequence[Rule]) -> str:
    said = [rule.said() for rule in rules]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _verb(rules: Sequence[Rule], singular: str) -> str:
    return singular if len(rules) == 1 else singular.removesuffix("s")


def _reason(text: str, rules: Sequence[Rule]) -> dict[str, Any]:
    return {"text": text, "rules": [rule.ref() for rule in rules]}


def plan(
    rules: Rules, started_at: datetime, dispose_at: str, version: int | None = None
) -> RetentionSchedule:
    """The schedule the rules give a recording that started at `started_at` (see the module)."""
    if not rules.minima:
        return RetentionSchedule([], None, None, policy_version=version, dispose_at=dispose_at)
    earliest, keeping = _binding(rules.minima, started_at, longest=True)
    period = keeping[0].period.words()
    reasons = [
        _reason(
            f"Kept at least {period}: {_names(keeping)} "
            f"{_verb(keeping, 'requires')} it, the longest duty to keep "
            "that applies.",
            keeping,
        )
    ]
    latest: datetime | None = None
    if rules.maxima:
        latest, limiting = _binding(rules.maxima, started_at, longest=False)
        allowed = limiting[0].period.words()
        if latest < earliest:
            reasons.append(
                _reason(
                    f"{_capital(_names(keeping))} {_verb(keeping, 'requires')} {period}; "
                    f"{_names(limiting)} {_verb(limiting, 'allows')} at most "
                    f"{allowed}; the duty to keep wins, so the latest moment is raised to the "
                    "earliest.",
                    [*keeping, *limiting],
                )
            )
            latest = earliest
        else:
            reasons.append(
                _reason(
                    f"Disposed of within {allowed}: {_names(limiting)} "
                    f"{_verb(limiting, 'allows')} no longer.",
                    limiting,
                )
            )
    if latest is None:
        due = earliest
        reasons.append(_reason("No rule sets a maximum, so it is due at the earliest moment.", []))
    elif dispose_at == "latest":
        due = latest
        reasons.append(_reason("The policy disposes of recordings at the latest moment.", []))
    else:
        due = earliest
        reasons.append(_reason("The policy disposes of recordings at the earliest moment.", []))
    return RetentionSchedule(
        purposes=[],
        retention_class=None,
        retain_until=earliest,
        dispose_by=latest,
        disposal_due=due,
        reasons=reasons,
        policy_version=version,
        dispose_at=dispose_at,
    )


def schedule(
    policy: CompiledPolicy,
    purposes: Sequence[str],
    started_at: datetime,
    rules: Rules | None = None,
) -> RetentionSchedule:
    """The schedule of a recording kept for `purposes` under `policy` (see the module).

    The retention class stays the purpose with the longest own minimum, as searches know it.
    `rules` may be given when already gathered for these purposes (re-scheduling many rows).
    """
    kept = list(purposes)
    retention_class = policy.retention_class(tuple(kept))
    dispose_at = policy.document.retention.dispose_at
    if retention_class is None:
        return RetentionSchedule(
            kept, None, None, policy_version=policy.version, dispose_at=dispose_at
        )
    gathered = rules if rules is not None else rules_for(policy, kept)
    planned = plan(gathered, started_at, dispose_at, policy.version)
    return RetentionSchedule(
        purposes=kept,
        retention_class=retention_class,
        retain_until=planned.retain_until,
        dispose_by=planned.dispose_by,
        disposal_due=planned.disposal_due,
        reasons=planned.reasons,
        policy_version=policy.version,
        dispose_at=dispose_at,
    )


def terms(policy: CompiledPolicy) -> dict[str, Any]:
    """What of a policy sets schedules: equal terms give every recording the same moments.

    Applying a version whose terms equal those in force re-schedules nothing.
    """
    purposes = {}
    for name in policy.document.purposes:
        rules = rules_for(policy, [name])
        purposes[name] = {
            "minima": sorted((rule.id, rule.period.isoformat()) for rule in rules.minima),
            "maxima": sorted((rule.id, rule.period.isoformat()) for rule in rules.maxima),
        }
    return {"dispose_at": policy.document.retention.dispose_at, "purposes": purposes}
