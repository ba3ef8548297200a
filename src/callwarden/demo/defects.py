"""The defects the demo seeds, which check must find each, and what that finding must name.

`SEEDED_DEFECTS` says what the defects are and which checks find them; once the month
is filled, `Expected` adds the ids they were seeded on (the call, its recording, the person, the
call-detail record), so a test, the report or a person can tell the finding that shows a defect
from any other finding of the same check. The filling writes them to `demo-defects.json` in
the data directory with the id of the finding that showed each (`load_shown` reads it back),
because the ids exist only once the month is made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from callwarden.demo.scenarios import Defect

MANIFEST = "demo-defects.json"


@dataclass(frozen=True)
class SeededDefect:
    """A defect the demo seeds, and the checks that must each find it (`Expected` pairs each
    check with the ids of the calls, recordings and people the defect was seeded on)."""

    name: str
    checks: tuple[str, ...]
    description: str


SEEDED_DEFECTS = (
    SeededDefect(
        "notice_not_played",
        ("notice_audio", "consent"),
        "the phone system neither played nor reported the recording notice",
    ),
    SeededDefect(
        "notice_silent",
        ("notice_audio",),
        "the notice was reported played, but its prompt file was silent",
    ),
    SeededDefect(
        "recording_lost",
        ("completeness",),
        "a call the decision said to record whose recording never arrived",
    ),
    SeededDefect(
        "unknown_cdr_call",
        ("completeness",),
        "a call in the phone system's call-detail file that callwarden never heard of",
    ),
    SeededDefect(
        "keys_in_pause",
        ("secure_pause",),
        "card-number keypresses reached the recording inside a payment pause",
    ),
    SeededDefect(
        "overactive_listener",
        ("access",),
        "one supervisor played every recording of their team, far more than their peer",
    ),
    SeededDefect(
        "training_overdue",
        ("training",),
        "an agent who never took the course published as the month began, past its due date",
    ),
    SeededDefect(
        "overdue_agent_call",
        ("training",),
        "a call that agent handled after the course was due (the policy makes it a finding)",
    ),
)
SCENARIO_DEFECTS: dict[Defect, str] = {  # a scenario's defect -> the seeded defect it shows
    "notice_unreported": "notice_not_played",
    "notice_silent": "notice_silent",
    "recording_lost": "recording_lost",
    "keys_in_pause": "keys_in_pause",
}
_DESCRIPTIONS = {defect.name: defect.description for defect in SEEDED_DEFECTS}


@dataclass(frozen=True)
class Expected:
    """One seeded defect as one check must report it: the ids its evidence must carry."""

    defect: str
    check: str
    calls: tuple[str, ...] = ()
    recordings: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    figures: dict[str, str] = field(default_factory=dict)

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self.defect]

    def shown_by(self, check: str, evidence: Mapping[str, Any]) -> bool:
        """Whether a finding of `check` with this evidence (as stored: lists of ids, and
        figures) names everything this defect was seeded on."""
        if check != self.check:
            return False
        for name in ("calls", "recordings", "users"):
            if not set(getattr(self, name)) <= {str(v) for v in evidence.get(name) or ()}:
                return False
        figures = evidence.get("figures") or {}
        return all(str(figures.get(key)) == value for key, value in self.figures.items())

    def names(self) -> str:
        """The ids, for a person reading the demo's summary."""
        recordings = list(self.recordings)
        if len(recordings) > 2:  # the over-active listener's: the count says it
            recordings = [f"{len(recordings)} recordings"]
        ids = [*self.calls, *recordings, *(f"user {u}" for u in self.users)]
        ids += [f"{key} {value}" for key, value in self.figures.items()]
        return ", ".join(ids)


# The checks whose finding names the recording as well as the call (the audio findings').
NAMES_RECORDING = frozenset({"notice_audio", "secure_pause"})


def on_call(defect: str, call_id: str, recording_ids: Iterable[str]) -> list[Expected]:
    """One `Expected` per check that must find a defect seeded on a call: each names the
    call, and the recording too where that check's evidence carries it."""
    (known,) = [d for d in SEEDED_DEFECTS if d.name == defect]
    recorded = tuple(recording_ids)
    return [
        Expected(defect, check, (call_id,), recorded if check in NAMES_RECORDING else ())
        for check in known.checks
    ]


def write(data_dir: Path, shown: Iterable[tuple[Expected, int | None]]) -> Path:
    """The seeded defects, each with the id of the check finding that showed it in the
    month's run (null when none did)."""
    path = data_dir / MANIFEST
    rows = [{**asdict(item), "finding_id": finding} for item, finding in shown]
    path.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


def load_shown(data_dir: Path) -> list[tuple[Expected, int | None]]:
    """The seeded defects of the demo month in `data_dir`, as its filling wrote them, each
    with the id of the finding that showed it."""
    rows = json.loads((data_dir / MANIFEST).read_text(encoding="utf-8"))
    return [
        (
            Expected(
                defect=row["defect"],
                check=row["check"],
                calls=tuple(row["calls"]),
                recordings=tuple(row["recordings"]),
                users=tuple(row["users"]),
                figures=dict(row["figures"]),
            ),
            row["finding_id"],
        )
        for row in rows
    ]


def load(data_dir: Path) -> list[Expected]:
    """The seeded defects of the demo month in `data_dir`, without their findings."""
    return [item for item, _finding in load_shown(data_dir)]
