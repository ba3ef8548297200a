"""The "about recording" page for employees, as values, from the policy in force.

People who are recorded at work should not have to ask how: which of their calls are recorded
and why, how long each kind of recording is kept, who may listen, how the secure pause works,
and how to ask for a private call to be removed or raise a concern. Everything here is derived
from the compiled policy in force (and the law facts it carries: the sector rules its purposes
name, with their citations), in the words the staff document already uses
(`policy.render.scope_entries`, `purpose_entries`), so the page cannot drift from the policy.
`describe` is pure; `current` reads the policy in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.decisions.compiled import CompiledPolicy
from callwarden.law.knowledge import NOT_LEGAL_ADVICE, KnowledgeBase
from callwarden.policy import service as policies
from callwarden.policy.render import DISPOSE_AT_WORDS, purpose_entries, scope_entries
from callwarden.recordings.service import MIN_REASON
from callwarden.training.material_words import seconds
from callwarden.transparency.listeners import Listener, listeners, listening_rules

PRIVATE_CALL_HREF = "/cases/new?kind=private_call"
CONCERN_HREF = "/cases/new?kind=concern"
SECURE_PAUSE_RULE = "pci-dss"  # the sector rule the secure pause keeps


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """One scope rule: which calls, what happens to them, for which purposes, and why."""

    id: str
    description: str
    when: str
    outcome: str
    recorded: bool
    purposes: tuple[str, ...]
    reason: str
    secure_pause: bool


@dataclass(frozen=True, slots=True)
class Purpose:
    name: str
    description: str
    kept_at_least: str
    kept_at_most: str
    sector_rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Citation:
    """A law or rule the page relies on, as the knowledge base cites it."""

    rule: str
    name: str
    cite: str
    url: str | None
    uncertain: bool


@dataclass(frozen=True, slots=True)
class Way:
    """A way in (to ask for a private call's removal, to raise a concern): words and address."""

    title: str
    words: str
    href: str


@dataclass(frozen=True, slots=True)
class AboutRecording:
    organisation: str
    title: str
    policy_version: int
    effective_from: datetime | None
    scope: tuple[ScopeRule, ...]
    purposes: tuple[Purpose, ...]
    disposal: str
    listeners: tuple[Listener, ...]
    listening_rules: tuple[str, ...]
    secure_pause: tuple[str, ...]
    private_call: Way
    concern: Way
    employees_see_access: bool
    not_legal_advice: str
    citations: tuple[Citation, ...]


PRIVATE_CALL = Way(
    "Ask for a private call to be removed",
    "If a recorded call of yours was personal or sensitive, ask for its recording to be "
    "removed. While your request is open the recording is restricted to you and the people "
    "handling your request, and it is left out of QA review. If your request is upheld the "
    "recording is destroyed, unless a legal hold or a legal duty to keep it applies; the "
    "decision tells you which, and why.",
    PRIVATE_CALL_HREF,
)
CONCERN = Way(
    "Raise a concern",
    "If you have a question or a reservation about being recorded, raise a concern. You may "
    "raise it anonymously: you then get a private follow-up code to read the answer with. A "
    "compliance officer who is not your own supervisor handles it.",
    CONCERN_HREF,
)


def describe(policy: CompiledPolicy, effective_from: datetime | None = None) -> AboutRecording:
    """The page's content for the policy version `policy` (pure)."""
    document = policy.document
    scope = tuple(
        ScopeRule(
            id=entry["id"],
            description=entry["description"],
            when=entry["when"],
            outcome=entry["outcome"],
            recorded=rule.outcome != "do_not_record",
            purposes=tuple(rule.purposes),
            reason=entry["reason"],
            secure_pause=entry["secure_pause"],
        )
        for rule, entry in zip(document.scope, scope_entries(document), strict=True)
    )
    purposes = tuple(
        Purpose(
            name=entry["name"],
            description=entry["description"],
            kept_at_least=entry["min"],
            kept_at_most=entry["max"],
            sector_rules=tuple(document.purposes[entry["name"]].sector_rules),
        )
        for entry in purpose_entries(document)
    )
    paused = [rule for rule in scope if rule.secure_pause]
    return AboutRecording(
        organisation=document.organisation,
        title=document.title,
        policy_version=policy.version,
        effective_from=effective_from,
        scope=scope,
        purposes=purposes,
        disposal=(
            f"A recording is destroyed {DISPOSE_AT_WORDS[document.retention.dispose_at]}. "
            "Where a duty to keep is longer than a limit, the duty to keep wins. A recording "
            "under a legal hold is never destroyed while the hold lasts."
        ),
        listeners=listeners(document),
        listening_rules=listening_rules(document, MIN_REASON),
        secure_pause=_secure_pause(paused, document.payment_pause.max_pause_s),
        private_call=PRIVATE_CALL,
        concern=CONCERN,
        employees_see_access=document.transparency.employees_see_access,
        not_legal_advice=NOT_LEGAL_ADVICE,
        citations=_citations(policy.kb, purposes, bool(paused)),
    )


def _secure_pause(paused: list[ScopeRule], max_pause_s: int) -> tuple[str, ...]:
    if not paused:
        return ("No calls under this policy use a secure pause.",)
    which = "; ".join(rule.description.rstrip(".") for rule in paused)
    return (
        f"Calls where a card payment is taken use a secure pause: {which}.",
        "While the caller gives card details, recording is paused, so card numbers and "
        "security codes are never recorded. It resumes when the payment is done.",
        f"A pause lasts at most {seconds(max_pause_s)}; the rest of the call is recorded. "
        "Each pause is kept in the call's record, and a longer pause is reported.",
        "The audio check listens inside every pause: keypresses or speech heard there are "
        "reported to compliance and can be cut out of the recording.",
    )


def _citations(
    kb: KnowledgeBase, purposes: tuple[Purpose, ...], secure_pause: bool
) -> tuple[Citation, ...]:
    """The knowledge base's citations of the sector rules the page relies on, once each."""
    wanted = [rule for purpose in purposes for rule in purpose.sector_rules]
    if secure_pause:
        wanted.append(SECURE_PAUSE_RULE)
    found: list[Citation] = []
    for rule_id in dict.fromkeys(wanted):
        sector = kb.sectors.get(rule_id)
        if sector is None:
            continue
        found.extend(
            Citation(rule_id, sector.name, citation.cite, citation.url, sector.uncertain)
            for citation in sector.citations
        )
    return tuple(found)


def current(session: Session) -> AboutRecording:
    """The page for the policy in force now (NotFound when none is)."""
    policy = policies.active_compiled(session)
    row = policies.get_version(session, policy.version)
    return describe(policy, row.effective_from)
