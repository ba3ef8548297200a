"""The demo month's training: the example course published as the month begins, people taking
it and acknowledging the policy at their own moments, one agent who never does, and a new
policy version part-way through that asks everyone to acknowledge it again.

Everything goes through the training service a learner's page calls (the quiz answered, the
policy acknowledged with the hash of the text the server shows), each on a frozen clock at its
moment, interleaved with the calls in time order (`due_by`), so the overdue agent's calls after
the due date are what the `training` check finds, the way it would find real ones.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from typing import Literal

from sqlalchemy.orm import Session

from callwarden.db import Database
from callwarden.demo.defects import Expected
from callwarden.demo.phone import PlayedCall
from callwarden.demo.scenarios import AGENTS, Scenario
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.policy import service as policies
from callwarden.training import acknowledging, records, service
from callwarden.training.course import CourseDocument

COURSE_FILE = "examples/recording-basics.yaml"
COURSE_ID = "recording-basics"
PUBLISHED_AFTER = timedelta(minutes=10)  # after the set-up: as the month begins
FIRST_LESSON = timedelta(minutes=30)  # the earliest anyone opens it
# The material change part-way through the month: quality recordings are kept a year, not six
# months (retention: staff must acknowledge it again).
RETENTION_BEFORE = "retention: {min: P90D, max: P6M}"
RETENTION_AFTER = "retention: {min: P90D, max: P1Y}"

Kind = Literal["course", "acknowledge", "policy_change"]


@dataclass(frozen=True, order=True)
class Step:
    """One thing done at one moment: a person takes the course or acknowledges the policy in
    force, or the compliance officer applies the new policy version."""

    at: datetime
    kind: Kind
    username: str


@dataclass
class Plan:
    published_at: datetime
    due_at: datetime  # the course's, a completion window after it was published
    change_at: datetime  # the new policy version
    overdue_agent: str | None  # None in a month too short for a due date inside it
    steps: list[Step] = field(default_factory=list)
    course_id: str = ""  # the published version's id, once published

    def due_by(self, moment: datetime) -> list[Step]:
        """The steps not done yet whose moment has come (taken off the plan)."""
        ready = [step for step in self.steps if step.at <= moment]
        self.steps = [step for step in self.steps if step.at > moment]
        return ready


def example_course(window_days: int) -> str:
    """The example course as shipped, with the demo's completion window (a month of 30 days
    gives it 10, so its due date and the calls after it fall inside the month)."""
    text = resources.files("callwarden.training").joinpath(COURSE_FILE).read_text()
    return re.sub(r"^completion_window: P\d+D", f"completion_window: P{window_days}D", text,
                  count=1, flags=re.MULTILINE)  # fmt: skip


def window_days(days: int) -> int:
    return max(1, days // 3)


def plan(
    setup_at: datetime, end: datetime, days: int, month: list[Scenario], people: list[str],
    seed: int,
) -> Plan:  # fmt: skip
    """Who does what when. The overdue agent is the one with most calls after the due date
    (so the consequence shows); everyone else takes the course and acknowledges the policy
    before the due date, and the new version after it takes effect."""
    published_at = setup_at + PUBLISHED_AFTER
    due_at = published_at + timedelta(days=window_days(days))
    change_at = setup_at + (end - setup_at) * 2 / 3
    late = {agent: sum(s.agent == agent and s.started_at >= due_at for s in month)
            for agent in AGENTS}  # fmt: skip
    overdue = max(AGENTS, key=lambda agent: (late[agent], agent)) if due_at < end else None
    if overdue is not None and late[overdue] == 0:
        overdue = None
    draw = random.Random(f"training-{seed}")  # noqa: S311 - reproducible draws, not secrets
    first = published_at + FIRST_LESSON

    def between(start: datetime, stop: datetime) -> datetime:
        return start + (stop - start) * draw.uniform(0.05, 0.95)

    steps: list[Step] = []
    early_until = min(due_at, change_at) - timedelta(minutes=5)
    for username in people:
        steps.append(Step(between(first, early_until), "acknowledge", username))
        if username != overdue:
            steps.append(Step(between(first, early_until), "course", username))
            steps.append(Step(between(change_at, end - timedelta(minutes=30)), "acknowledge",
                              username))  # fmt: skip
    steps.append(Step(change_at, "policy_change", ""))
    return Plan(published_at, due_at, change_at, overdue, sorted(steps))


def publish(db: Database, compliance: Principal, plan_: Plan, days: int) -> None:
    """The compliance officer publishes the example course as the month begins."""
    with clock.frozen_at(plan_.published_at), db.unit_of_work() as session:
        published = service.publish_course(
            session, compliance, example_course(window_days(days)), COURSE_FILE
        )
        plan_.course_id = published.version.id


def perform(db: Database, step: Step, who: dict[str, Principal]) -> None:
    """One step, at its moment, through the service a learner's page calls."""
    with clock.frozen_at(step.at), db.unit_of_work() as session:
        if step.kind == "policy_change":
            _change_policy(session, who["compliance"])
        elif step.kind == "acknowledge":
            principal = who[step.username]
            in_force = policies.get_version(session)
            mine = service.my_acknowledgements(session, principal)
            if all(done.policy_version != in_force.version for done in mine):
                acknowledging.acknowledge_policy(
                    session, principal, in_force.version,
                    acknowledging.staff_text_sha256(in_force),
                )  # fmt: skip
        else:
            _take_course(session, who[step.username])


def _take_course(session: Session, principal: Principal) -> None:
    """Answer the quiz of each open course right (or mark it read, with no quiz)."""
    for assignment in service.my_assignments(session, principal):
        if assignment.course_version_id is None or assignment.completed_at is not None:
            continue
        version = service.get_course(session, principal, assignment.course_version_id)
        course = CourseDocument.model_validate(version.document)
        if course.quiz is None:
            service.mark_read(session, principal, assignment.id)
            continue
        answers = {question.id: list(question.correct) for question in course.quiz.questions}
        service.take_quiz(session, principal, assignment.id, answers)


def _change_policy(session: Session, compliance: Principal) -> None:
    current = policies.get_version(session)
    if RETENTION_BEFORE not in current.document:
        return  # the directory's own policy: the demo changes nothing of it
    text = current.document.replace(RETENTION_BEFORE, RETENTION_AFTER, 1)
    policies.apply(session, compliance, text, "demo: quality recordings kept up to a year")


def expected(plan_: Plan, played: list[PlayedCall]) -> list[Expected]:
    """What the `training` check must find: the overdue agent's course, and the first call
    they handled after it was due."""
    if plan_.overdue_agent is None:
        return []
    agent = plan_.overdue_agent
    found = [
        Expected(
            "training_overdue",
            "training",
            users=(agent,),
            figures={"subject": f"course:{plan_.course_id}", "round": "1"},
        )
    ]
    late = [
        call
        for call in played
        if call.scenario.agent == agent and call.scenario.started_at >= plan_.due_at
    ]
    if late:
        found.append(
            Expected("overdue_agent_call", "training", calls=(late[0].call_id,), users=(agent,))
        )
    return found


def summary(db: Database, compliance: Principal, plan_: Plan) -> str:
    """The month's training in a line, from the same records the console's Training page
    shows: the course, who completed it and who is overdue, the new version's acknowledgements."""
    with db.reading() as session:
        totals: dict[str, list[int]] = {}
        for rate in records.rates(session, compliance):
            counts = totals.setdefault(rate.tally.subject, [0, 0, 0])
            counts[0] += rate.tally.assigned
            counts[1] += rate.tally.completed
            counts[2] += rate.tally.overdue
        in_force = policies.get_version(session).version
    course = totals.get(f"course:{plan_.course_id}", [0, 0, 0])
    policy = totals.get(f"policy:{in_force}", [0, 0, 0])
    overdue = f"{plan_.overdue_agent} overdue" if plan_.overdue_agent else "nobody overdue"
    return (
        f"training: course {COURSE_ID} due {plan_.due_at:%Y-%m-%d %H:%M} UTC, completed by "
        f"{course[1]} of {course[0]} ({overdue}); policy version {in_force} acknowledged by "
        f"{policy[1]} of {policy[0]}"
    )
