"""Taking a decision for a call and keeping it: persisted, audited, explained."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import cast

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.decisions.engine import decide
from callwarden.decisions.facts import CallFactsIn
from callwarden.decisions.outcome import Decision
from callwarden.identity.policies import reach, require
from callwarden.identity.principal import Principal
from callwarden.kit import clock
from callwarden.kit.errors import NotFound
from callwarden.models import DecisionRecord
from callwarden.policy import service as policies

INSERT_DECISION = insert(cast(Table, DecisionRecord.__table__))  # compiled once, reused


def make_decision(
    session: Session,
    principal: Principal,
    facts: CallFactsIn,
    explain: bool = False,
    notes: Sequence[str] = (),
) -> Decision:
    """Decide under the policy in force now, store the decision and audit it. `notes` are kept
    with it (what the caller knew beyond the facts); they do not change the outcome."""
    decision = take_decision(session, principal, facts, explain)
    if notes:
        decision = replace(decision, notes=tuple(notes))
    keep_decision(session, principal, facts, decision, explain)
    return decision


def take_decision(
    session: Session, principal: Principal, facts: CallFactsIn, explain: bool = False
) -> Decision:
    """Decide under the policy in force now; reads only (the API keeps it in a second step)."""
    require(principal, "decisions.make")
    return decide(facts.to_facts(), policies.active_compiled(session), explain=explain)


def keep_decision(
    session: Session,
    principal: Principal,
    facts: CallFactsIn,
    decision: Decision,
    explain: bool = False,
) -> None:
    """Store a decision just taken and audit it."""
    require(principal, "decisions.make")
    session.connection().execute(  # a Core insert: the connection skips ORM bookkeeping
        INSERT_DECISION,
        {
            "id": decision.decision_id,
            "external_call_id": facts.call_id,
            "created_at": clock.now(),
            "requested_by": principal.actor,
            "facts": facts.model_dump(mode="json"),
            "outcome": decision.as_dict(include_trace=explain),
            "record": decision.record,
            "governing_rule": decision.governing_rule,
            "policy_version": decision.policy_version,
            "law_version": decision.law_version,
        },
    )
    audit.record(
        session,
        actor=principal.actor,
        action="decision.made",
        target=f"decision:{decision.decision_id}",
        data={
            "record": decision.record,
            "governing_rule": decision.governing_rule,
            "consent": decision.consent,
            "scope_rule": decision.scope_rule,
            "policy_version": decision.policy_version,
            "law_version": decision.law_version,
            "call_id": facts.call_id,
        },
    )


def get_decision(session: Session, principal: Principal, decision_id: str) -> DecisionRecord:
    """A stored decision, scoped like calls (`identity.policies.reach`): the oversight roles
    read every decision, anyone else only the decisions they asked for; others are not there."""
    require(principal, "decisions.read")
    row = session.get(DecisionRecord, decision_id)
    if row is None or not (reach(principal).everything or row.requested_by == principal.actor):
        raise NotFound(f"no decision {decision_id!r}")
    return row


_DECISIONS = cast(Table, DecisionRecord.__table__)
_OUTCOME = select(_DECISIONS.c.outcome).where(_DECISIONS.c.id == bindparam("decision_id"))


def purposes_of(session: Session, decision_id: str) -> list[str]:
    """The purposes a stored decision records for (what a recording of its call is kept for).

    One column by a compiled statement, not the ORM row: intake asks this for every upload.
    """
    outcome = (
        session.connection().execute(_OUTCOME, {"decision_id": decision_id}).scalar_one_or_none()
    )
    return list(outcome.get("purposes", [])) if outcome else []
