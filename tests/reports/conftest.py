"""A fortnight of calls with known defects, a real check run over it and a QA plan reviewed.

The period is Wednesday 4 to Tuesday 17 November 2026, so its first and last weeks are partial
(weeks of Monday 2, 9 and 16 November). Five calls (bulk rows, as intake writes them, then
adjusted to make each defect):

| call | team  | started      | decision | recording | consent (all-party)    | payment |
|------|-------|--------------|----------|-----------|------------------------|---------|
| 1    | alpha | Thu 5 Nov    | yes      | yes       | 3 s late (tolerated)   | paused  |
| 2    | alpha | Fri 6 Nov    | yes      | yes       | before recording       | no pause|
| 3    | beta  | Tue 10 Nov   | yes      | yes       | 60 s late              |         |
| 4    | beta  | Wed 11 Nov   | yes      | missing   |                        |         |
| 5    | none  | Thu 12 Nov   | no       | none      |                        |         |

Notices verified on recordings 1 and 3 of 3. The checks run on 12 November at 10:00 over the
period so far; the three recordings are sampled for QA and reviewed by `roz`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from sqlalchemy import delete, update

from callwarden.checks import runs
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit import clock
from callwarden.models import Call, CallParty, CallPause, DataKey, Finding, Recording
from callwarden.qa import service as qa
from callwarden.qa.service import Given
from tests.support.bulk import load, new_row
from tests.support.factories import make_team, make_user

START = datetime(2026, 11, 4, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=14))
RUN_AT = datetime(2026, 11, 12, 10, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 9, tzinfo=UTC)
AUDITOR = Principal(actor="user:auditor", role=Role.AUDITOR)
OFFICER = Principal(actor="user:officer", role=Role.COMPLIANCE_OFFICER)
CARD = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()
STARTS = {1: (1, 9), 2: (2, 9), 3: (6, 9), 4: (7, 9), 5: (8, 9)}  # days after START, hour
TEAMS = {1: "alpha", 2: "alpha", 3: "beta", 4: "beta", 5: None}


def at(number: int, seconds: float = 0) -> datetime:
    days, hour = STARTS[number]
    return START + timedelta(days=days, hours=hour, seconds=seconds)


@dataclass
class Scenario:
    calls: dict[int, str]
    recordings: dict[int, str]
    teams: dict[str, str]
    run_id: str


def _answers(notice: str) -> list[Given]:
    given: dict[str, Any] = {
        "notice_read": notice,
        "consent_before_recording": "na",
        "greeting": "yes",
        "identity_checked": "yes",
        "understanding": 5,
        "resolution": 4,
        "summary_given": "yes",
    }
    return [Given(question, answer) for question, answer in given.items()]


def _party(call_id: str, consent_at: datetime) -> dict[str, Any]:
    return {"needs_consent": True, "consent_status": "given", "consent_at": consent_at}


def _adjust(db: Database, calls: dict[int, str], recordings: dict[int, str]) -> None:
    with db.unit_of_work() as session:
        for n, call_id in calls.items():
            values: dict[str, Any] = {"record_decision": "yes" if n != 5 else "no"}
            values["ended_at"] = at(n, 300)
            if n in (1, 2, 3):
                values["governing_rule"] = "all-party"
            if n in (1, 2):
                values |= {"secure_pause": True, "max_pause_s": 120}
            session.execute(update(Call).where(Call.id == call_id).values(values))
        for n, late in ((1, 3), (2, -10), (3, 60)):
            session.execute(
                update(CallParty)
                .where(CallParty.call_id == calls[n])
                .values(_party(calls[n], at(n, late)))
            )
        for n in (1, 2, 3):  # recordings as long as their calls
            session.execute(
                update(Recording).where(Recording.id == recordings[n]).values(duration_s=295.0)
            )
        for n in (4, 5):
            session.execute(delete(DataKey).where(DataKey.recording_id == recordings[n]))
            session.execute(delete(Recording).where(Recording.id == recordings[n]))
        session.add(
            CallPause(call_id=calls[1], reason="payment", started_at=at(1, 30),
                      ended_at=at(1, 60))
        )  # fmt: skip
        for n in (1, 3):
            session.add(
                Finding(
                    recording_id=recordings[n], kind="notice_verified", severity="info",
                    status="open", summary="notice heard", detail={}, created_at=at(n, 400),
                )
            )  # fmt: skip


def _review(db: Database, period: Period) -> None:
    reviewer = make_user(db, "qa_reviewer", "roz")
    roz = Principal("user:roz", Role.QA_REVIEWER, user_id=reviewer.id, username="roz")
    with db.unit_of_work() as session:
        qa.add_scorecard(session, OFFICER, CARD, "inbound.yaml")
        qa.create_plan(
            session,
            OFFICER,
            period_from=period.start,
            period_to=period.end,
            size=3,
            scorecard="inbound-service",
            seed=7,
        )
    with db.unit_of_work() as session:
        evaluations = sorted(qa.list_evaluations(session, roz), key=lambda e: e.recording_id)
        for number, evaluation in enumerate(evaluations, start=1):
            notice = "no" if number == 2 else "yes"  # the second recording's notice was not read
            qa.submit(session, roz, evaluation.id, _answers(notice))


@pytest.fixture
def scenario(db: Database, settings: Settings) -> Scenario:
    teams = {name: make_team(db, name) for name in ("alpha", "beta")}
    rows = [
        new_row(
            n,
            at(n),
            call_numbers=[f"+1415555010{n}"],
            team_id=teams[name] if (name := TEAMS[n]) else None,
        )
        for n in sorted(STARTS)
    ]
    load(db, rows)
    calls = {n: row.call_id for n, row in zip(sorted(STARTS), rows, strict=True)}
    recordings = {n: row.recording_id for n, row in zip(sorted(STARTS), rows, strict=True)}
    _adjust(db, calls, recordings)
    with clock.frozen_at(RUN_AT), db.unit_of_work() as session:
        run = runs.run(session, OFFICER.actor, Period(START, RUN_AT), settings)
        run_id = run.id
    with clock.frozen_at(RUN_AT + timedelta(hours=1)):
        _review(db, PERIOD)
    return Scenario(calls, recordings, teams, run_id)
