"""A small organisation for the training pages: the example policy in force (which assigns its
acknowledgement), an agent, a compliance officer and an auditor who can sign in, and the example
course with its right answers read from the file (the test knows them; the page must not)."""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.policy import service as policies
from tests.support.console import make_person

EXAMPLE_COURSE = (
    resources.files("callwarden.training").joinpath("examples/recording-basics.yaml").read_text()
)
EXAMPLE_POLICY = resources.files("callwarden.policy").joinpath("examples/policy.yaml").read_text()
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def training_org(db: Database) -> Principal:
    """The people and the policy in force; the compliance officer's principal."""
    make_person(db, "agent", "ada", "alpha")
    olga = make_person(db, "compliance_officer", "olga")
    make_person(db, "auditor", "aud")
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_POLICY, "policy.yaml")
    return Principal(
        actor="user:olga", role=Role.COMPLIANCE_OFFICER, user_id=olga.id, username="olga"
    )


def right_answers(text: str = EXAMPLE_COURSE, wrong: int = 0) -> dict[str, list[str]]:
    """The quiz form's fields for the right answers; the first `wrong` questions answered
    with a wrong option instead."""
    document: dict[str, Any] = yaml.safe_load(text)
    fields: dict[str, list[str]] = {}
    for index, question in enumerate(document["quiz"]["questions"]):
        if index < wrong:
            other = next(o["id"] for o in question["options"] if o["id"] not in question["correct"])
            fields[f"q-{question['id']}"] = [other]
        else:
            fields[f"q-{question['id']}"] = list(question["correct"])
    return fields


def hostile_course(course_id: str = "hostile", version: int = 1) -> str:
    """A course whose title and module carry HTML and a script, with no quiz."""
    return f"""id: {course_id}
title: '{HOSTILE}'
version: {version}
audience:
  roles: [agent]
completion_window: P30D
modules:
  - id: intro
    title: Intro
    content: |
      Read this. {HOSTILE} [click](javascript:alert(1))
"""
