"""Acknowledging the policy: the text staff are shown, what changed, and the acknowledgement.

The acknowledgement names the sha256 of the policy version in force as the server renders it
for staff (`policy.render`, Markdown): a page that showed another text, or an older version,
cannot acknowledge, so the record always says exactly what the person agreed to.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput
from callwarden.kit.ids import new_id
from callwarden.models import PolicyAcknowledgement, PolicyVersion
from callwarden.policy import service as policies
from callwarden.policy.render import render
from callwarden.policy.schema import PolicyDocument
from callwarden.training import repository
from callwarden.training.assigning import policy_change
from callwarden.training.course import Module
from callwarden.training.material import what_changed


def staff_text(row: PolicyVersion) -> str:
    """The policy version as staff read it (the Markdown document): what is acknowledged."""
    document = PolicyDocument.model_validate(row.parsed)
    return render(document, "md", row.version, row.effective_from.date().isoformat())


def staff_text_sha256(row: PolicyVersion) -> str:
    return hashlib.sha256(staff_text(row).encode()).hexdigest()


def what_changed_in(session: Session, row: PolicyVersion) -> Module | None:
    """The "what changed" module of a version against the one before (None for the first
    version, or when the change is not material)."""
    if row.version <= 1:
        return None
    previous = policies.get_version(session, row.version - 1)
    return what_changed(policy_change(previous, row), row.version)


def acknowledge_policy(
    session: Session, principal: Principal, version: int, text_sha256: str
) -> PolicyAcknowledgement:
    """Record that the principal read `version`, the one in force, as the server renders it.

    `text_sha256` is the hash of the text the page showed; it must be the server's own, so an
    acknowledgement always names exactly what was shown and a stale page cannot acknowledge.
    """
    require(principal, "training.take")
    if principal.user_id is None:
        raise InvalidInput("only a person can acknowledge the policy")
    in_force = policies.get_version(session)
    if version != in_force.version:
        raise Conflict(
            f"policy version {version} is not the one in force; acknowledge version "
            f"{in_force.version}"
        )
    shown = staff_text_sha256(in_force)
    if text_sha256.strip().lower() != shown:
        raise InvalidInput(
            "the text acknowledged is not the policy as the server renders it; reload and read it"
        )
    if repository.acknowledgement(session, principal.user_id, version) is not None:
        raise Conflict(f"policy version {version} is already acknowledged")
    row = PolicyAcknowledgement(
        id=new_id("tak"),
        user_id=principal.user_id,
        policy_version=version,
        text_sha256=shown,
        at=clock.now(),
    )
    try:
        with session.begin_nested():
            repository.add(session, row)
    except IntegrityError:
        raise Conflict(f"policy version {version} is already acknowledged") from None
    completed = repository.complete_policy_assignments(session, principal.user_id, version, row.at)
    audit.record(
        session,
        actor=principal.actor,
        action="training.policy_acknowledged",
        target=f"policy:{version}",
        data={"text_sha256": shown, "assignments_completed": completed},
    )
    return row
