"""The cases check: a concern or dispute not decided by its due date is a finding, more severe
once late by the answer time again; decided, closed or not yet due cases are not, and the
evidence never names the reporter or repeats what the case says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from callwarden.checks import runs
from callwarden.checks.registry import Period
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.kit import clock
from callwarden.models import Case, CheckFinding
from callwarden.policy import service as policies
from tests.checks.support import run_check
from tests.support.case_rows import add_case
from tests.support.factories import make_user
from tests.support.policies import EXAMPLE_TEXT

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)  # a Tuesday
PERIOD = Period(NOW - timedelta(days=1), NOW)
WORKING_DAY = {n: NOW - timedelta(days=d) for n, d in ((1, 1), (3, 5), (10, 14), (12, 16))}


def _people(db: Database) -> tuple[str, str, str]:
    """A handler, a reporter and the person a dispute is about: their ids."""
    hana = make_user(db, "compliance_officer", "hana")
    rita = make_user(db, "agent", "rita")
    sam = make_user(db, "supervisor", "sam")
    return hana.id, rita.id, sam.id


def test_undecided_cases_past_due_are_findings_by_how_late(
    db: Database, settings: Settings
) -> None:
    hana, rita, sam = _people(db)
    earlier = NOW - timedelta(days=30)
    people = {"reporter_user_id": rita, "subject_user_id": sam, "handler_user_id": hana}
    late = add_case(
        db, kind="private_call", filed_at=earlier, due_at=WORKING_DAY[3], number=101, **people
    )
    very_late = add_case(
        db,
        kind="evaluation_dispute",
        state="in_review",
        filed_at=earlier,
        due_at=WORKING_DAY[10],
        number=102,
        **people,
    )
    appealed = add_case(
        db,
        kind="recording_dispute",
        state="in_review",
        filed_at=earlier,
        due_at=WORKING_DAY[1],
        appealed_at=NOW - timedelta(days=15),
        number=103,
        **people,
    )
    unassigned = add_case(
        db,
        filed_at=earlier,
        due_at=WORKING_DAY[12],
        number=104,
        anonymous=True,
        code_hash="a" * 64,
    )
    add_case(db, filed_at=NOW - timedelta(days=2), number=105, **people)  # not yet due
    add_case(  # decided, late: no longer found
        db,
        state="decided",
        filed_at=earlier,
        due_at=WORKING_DAY[10],
        number=106,
        decided_at=NOW - timedelta(days=2),
        outcome="upheld",
        **people,
    )
    add_case(
        db,
        state="closed",
        filed_at=earlier,
        due_at=WORKING_DAY[10],
        number=107,
        decided_at=NOW - timedelta(days=3),
        closed_at=NOW - timedelta(days=1),
        **people,
    )
    found = run_check(db, "cases", PERIOD, NOW, settings)
    assert set(found) == {
        f"overdue:{late}",
        f"overdue:{very_late}",
        f"overdue:{appealed}:appeal",
        f"overdue:{unassigned}",
    }
    first = found[f"overdue:{late}"]
    assert first.severity == "medium"
    assert first.evidence.users == ("hana",)
    assert first.evidence.figures["case"] == "CASE-0101"
    assert first.evidence.figures["kind"] == "private_call"
    assert first.evidence.figures["working_days_over"] == 3
    assert first.evidence.figures["answer_within_working_days"] == 10
    assert first.summary.startswith("CASE-0101 (private call) is open and with hana")
    assert first.rule.citation == "recording policy: cases.answer_within_working_days"
    assert found[f"overdue:{very_late}"].severity == "high"  # ten working days over: twice
    assert found[f"overdue:{appealed}:appeal"].evidence.figures["stage"] == "appeal"
    alone = found[f"overdue:{unassigned}"]
    assert alone.evidence.users == () and "not assigned" in alone.summary
    assert alone.severity == "high"
    for finding in found.values():
        said = f"{finding.summary} {finding.detail} {finding.evidence}"
        assert "rita" not in said and rita not in said and sam not in said and "sam" not in said
        assert "supervisor listens" not in said and "personal calls" not in said
        assert "recordings=()" in said  # nothing that leads to the reporter by way of a recording


def test_the_answer_time_is_the_policy_in_force(db: Database, settings: Settings) -> None:
    case = add_case(db, filed_at=NOW - timedelta(days=30), due_at=WORKING_DAY[3])
    assert run_check(db, "cases", PERIOD, NOW, settings)[f"overdue:{case}"].severity == "medium"
    quick = EXAMPLE_TEXT.replace("answer_within_working_days: 10", "answer_within_working_days: 3")
    assert quick != EXAMPLE_TEXT
    with clock.frozen_at(NOW - timedelta(days=40)), db.unit_of_work() as session:
        policies.apply(session, SYSTEM, quick, "policy.yaml")
    found = run_check(db, "cases", PERIOD, NOW, settings)[f"overdue:{case}"]
    assert found.severity == "high" and found.evidence.figures["answer_within_working_days"] == 3


def test_a_run_stores_the_finding_and_a_decision_ends_it(db: Database, settings: Settings) -> None:
    case = add_case(db, filed_at=NOW - timedelta(days=30), due_at=WORKING_DAY[3])
    with clock.frozen_at(NOW), db.unit_of_work() as session:
        first = runs.run(session, "test", PERIOD, settings, ["cases"])
        assert first.errors == {}
    with db.unit_of_work() as session:
        session.execute(
            update(Case)
            .where(Case.id == case)
            .values(state="decided", decided_at=NOW, outcome="not_upheld")
        )
    later = NOW + timedelta(days=1)
    assert run_check(db, "cases", Period(NOW, later), later, settings) == {}
    with clock.frozen_at(later), db.unit_of_work() as session:
        runs.run(session, "test", Period(NOW, later), settings, ["cases"])
    with db.reading() as session:
        (stored,) = session.scalars(select(CheckFinding).where(CheckFinding.check_name == "cases"))
        assert stored.key == f"overdue:{case}"
        assert stored.status == "open"  # as a person left it: the decision was late
        assert stored.last_seen_run_id == first.id
