"""Drawing a QA sample and sharing it among reviewers (pure: values in, values out).

Strata are (team, agent, queue, jurisdictions). Allocation is proportional with at least one
recording from every non-empty stratum: each stratum first gets one, then each further place
goes to the stratum furthest below its proportional share (n × its size ÷ the population),
ties to the first stratum in key order. When n is smaller than the number of strata, one
recording is drawn from each of n strata chosen at random. Everything is drawn with one
`random.Random(seed)` over strata and recordings sorted by key and id, so the same seed over the
same recordings gives the same sample, on any machine and database.

Reviewers are dealt the sample round-robin in username order; a reviewer never gets a
recording they took as the agent or one of their own team's. A recording nobody may review is
reported, not forced on someone.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.kit.errors import InvalidInput

StratumKey = tuple[str, str, str, str]  # team, agent, queue, jurisdictions ("" when none)


@dataclass(frozen=True, slots=True)
class Candidate:
    recording_id: str
    agent_user_id: str | None
    team_id: str | None
    queue: str | None
    jurisdictions: tuple[str, ...]

    @property
    def stratum(self) -> StratumKey:
        return (
            self.team_id or "",
            self.agent_user_id or "",
            self.queue or "",
            ",".join(sorted(self.jurisdictions)),
        )


@dataclass(frozen=True, slots=True)
class Reviewer:
    user_id: str
    username: str
    team_id: str | None


@dataclass(frozen=True, slots=True)
class Stratum:
    key: StratumKey
    size: int
    drawn: int


@dataclass(frozen=True, slots=True)
class Sample:
    chosen: list[Candidate]
    strata: list[Stratum]


class PlanTooLarge(InvalidInput):
    code = "plan_too_large"
    title = "Sample larger than the population"


def draw(population: Sequence[Candidate], size: int, seed: int) -> Sample:
    """A stratified random sample of `size` recordings, reproducible from `seed`."""
    if size < 1:
        raise InvalidInput("a sampling plan needs a size of at least 1")
    if size > len(population):
        raise PlanTooLarge(
            f"the plan asks for {size} recordings but the period has only {len(population)} "
            "that may be sampled",
            size=size,
            population=len(population),
        )
    groups: dict[StratumKey, list[Candidate]] = defaultdict(list)
    for candidate in population:
        groups[candidate.stratum].append(candidate)
    keys = sorted(groups)
    for key in keys:
        groups[key].sort(key=lambda candidate: candidate.recording_id)
    rng = random.Random(seed)  # noqa: S311 - reproducible from its seed on purpose, not a secret
    allocation = _allocate({key: len(groups[key]) for key in keys}, size, rng)
    chosen: list[Candidate] = []
    for key in keys:
        if allocation[key]:
            chosen.extend(rng.sample(groups[key], allocation[key]))
    strata = [Stratum(key, len(groups[key]), allocation[key]) for key in keys]
    return Sample(chosen, strata)


def _allocate(sizes: dict[StratumKey, int], size: int, rng: random.Random) -> dict[StratumKey, int]:
    keys = list(sizes)
    if size < len(keys):
        picked = set(rng.sample(keys, size))
        return {key: int(key in picked) for key in keys}
    total = sum(sizes.values())
    allocation = dict.fromkeys(keys, 1)
    for _ in range(size - len(keys)):
        open_keys = [key for key in keys if allocation[key] < sizes[key]]
        best = max(open_keys, key=lambda key: size * sizes[key] / total - allocation[key])
        allocation[best] += 1
    return allocation


@dataclass(frozen=True, slots=True)
class Dealt:
    assigned: list[tuple[Candidate, Reviewer]]
    unassigned: list[Candidate]


def may_review(reviewer: Reviewer, candidate: Candidate) -> bool:
    """Never one's own call, never one's own team's."""
    if candidate.agent_user_id is not None and reviewer.user_id == candidate.agent_user_id:
        return False
    return not (reviewer.team_id is not None and reviewer.team_id == candidate.team_id)


def deal(sample: Sequence[Candidate], reviewers: Sequence[Reviewer]) -> Dealt:
    """Round-robin over the reviewers in username order, skipping those who may not review."""
    ordered = sorted(reviewers, key=lambda reviewer: reviewer.username)
    assigned: list[tuple[Candidate, Reviewer]] = []
    unassigned: list[Candidate] = []
    turn = 0
    for candidate in sample:
        for step in range(len(ordered)):
            reviewer = ordered[(turn + step) % len(ordered)]
            if may_review(reviewer, candidate):
                assigned.append((candidate, reviewer))
                turn = (turn + step + 1) % len(ordered)
                break
        else:
            unassigned.append(candidate)
    return Dealt(assigned, unassigned)
