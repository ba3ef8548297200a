"""The parties on a call: their ledger rows, and a party who joins mid-call.

A newcomer re-runs the decision with everyone on the line. A stricter rule than the call had
(by strictness, or by the consent it needs) tightens the call: the customer side hears the
notice again and gives explicit consent where it is now needed. A one-party newcomer on a call
that already satisfies a stricter rule changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.calls import plan
from callwarden.calls.schemas import EventIn, NewParty
from callwarden.decisions import service as decisions
from callwarden.decisions.facts import CallFactsIn
from callwarden.decisions.outcome import Decision, JurisdictionFinding
from callwarden.identity.principal import Principal
from callwarden.law.strictness import strictness
from callwarden.models import Call, CallParty

CONSENT_RANK = {"none": 0, "implied": 1, "explicit": 2}


def unique_key(call: Call, role: str) -> str:
    """The key a new party goes by: its role, or `role-2`, `role-3`... when that is taken."""
    taken = {party.key for party in call.parties}
    if role not in taken:
        return role
    number = 2
    while f"{role}-{number}" in taken:
        number += 1
    return f"{role}-{number}"


def party_row(
    key: str,
    position: int,
    role: str,
    number: str | None,
    language: str | None,
    finding: JurisdictionFinding,
    decision: Decision,
    now: datetime,
    needs_notice: bool,
) -> CallParty:
    """A party's ledger row: what it must hear and whether its consent is still to come."""
    customer_side = role != "agent"
    needs_consent = customer_side and decision.consent == "explicit"
    implied = customer_side and decision.consent == "implied"
    return CallParty(
        key=key,
        position=position,
        role=role,
        number=number,
        jurisdiction=finding.code if finding.code != "??" else None,
        location_source=finding.source,
        rule=finding.rule,
        language=language,
        needs_notice=customer_side and needs_notice and decision.record != "no",
        needs_consent=needs_consent and decision.record != "no",
        consent_status="pending"
        if (needs_consent or implied) and decision.record != "no"
        else "not_needed",
        joined_at=now,
    )


def join(
    session: Session, principal: Principal, call: Call, newcomer: NewParty, event: EventIn
) -> None:
    """Re-run the decision with the new party; a stricter rule brings a new plan."""
    facts = dict(call.facts)
    facts["parties"] = [*facts["parties"], newcomer.model_dump(exclude={"key"}, mode="json")]
    if event.queue:
        facts["queue"] = event.queue
    decision = decisions.make_decision(session, principal, CallFactsIn.model_validate(facts))
    finding = decision.jurisdictions[len(facts["parties"]) - 1]
    stricter = (
        strictness(decision.governing_rule) > strictness(call.governing_rule)  # type: ignore[arg-type]
        or CONSENT_RANK[decision.consent] > CONSENT_RANK[call.consent_level]
    )
    if stricter:
        _tighten(call, decision)
    needs_notice = decision.notice.required and (finding.rule != "one-party" or stricter)
    row = party_row(
        newcomer.key or unique_key(call, newcomer.role),
        len(call.parties),
        newcomer.role,
        newcomer.number,
        newcomer.language,
        finding,
        decision,
        event.occurred_at,
        needs_notice,
    )
    call.parties.append(row)
    call.facts = facts
    call.decision_id = decision.decision_id
    call.policy_version = decision.policy_version
    if decision.record == "no":
        call.record_decision = "no"


def _tighten(call: Call, decision: Decision) -> None:
    """The rule got stricter: everyone on the customer side hears the notice again, and gives
    explicit consent if it is now needed."""
    call.governing_rule = decision.governing_rule
    call.consent_level = decision.consent
    call.notice_required = decision.notice.required
    call.notice_must_be_recorded = call.notice_must_be_recorded or decision.notice.must_be_recorded
    if decision.record != "no" and call.record_decision != "no":
        call.record_decision = decision.record
    for party in plan.present(call):
        if party.role == "agent":
            continue
        party.needs_notice = decision.notice.required
        party.notice_at = None
        if decision.consent == "explicit" and party.consent_status != "given":
            party.needs_consent = True
            party.consent_status = "pending"
