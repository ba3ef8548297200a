"""Who may listen to a recording, in words, from the access rules themselves (pure).

Whether a role listens at all, and whether it may download a copy, is asked of
`identity.policies` (`may_listen`, `may`) with the policy's own settings, so the page changes
the day the rules or the policy do; how far each role reaches is the sentence below, which
says in words what `recordings.access.may_play` checks for that role. A role these sentences
do not know is still listed, as listening without a stated reach, rather than left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from callwarden.identity.policies import may, may_listen
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.policy.schema import PolicyDocument

ROLE_NAMES: dict[Role, str] = {
    Role.AGENT: "Agents",
    Role.SUPERVISOR: "Supervisors",
    Role.QA_REVIEWER: "QA reviewers",
    Role.COMPLIANCE_OFFICER: "Compliance officers",
    Role.LEGAL: "Legal",
    Role.AUDITOR: "Auditors",
    Role.ADMIN: "Administrators",
}
# How far each role's listening reaches (recordings.access.may_play, in words).
REACH_WORDS: dict[Role, str] = {
    Role.AGENT: "only the calls they took themselves",
    Role.SUPERVISOR: "the calls of their own team, never one flagged private",
    Role.QA_REVIEWER: "only recordings assigned to them for review, never one flagged private",
    Role.COMPLIANCE_OFFICER: "every recording, except one flagged private",
    Role.LEGAL: "every recording, those flagged private included",
    Role.AUDITOR: "every recording, except one flagged private, because the policy lets "
    "auditors listen (access.auditors_may_listen); they never download",
}
PRIVATE_WORDS = (
    "A recording flagged private is heard only by the people on the call and by legal, and "
    "only legal may download it."
)
OVERDUE_WORDS = (
    "Supervisors and QA reviewers whose training is overdue may not play recordings until "
    "they are current (training.overdue: no_access)."
)


@dataclass(frozen=True, slots=True)
class Listener:
    """One role: whether it listens, how far, and whether it may also download a copy."""

    role: str
    name: str
    listens: bool
    reach: str
    downloads: bool


def listeners(document: PolicyDocument) -> tuple[Listener, ...]:
    """Every role people sign in with (integrations are not people), in the order of
    `ROLE_NAMES`: listeners first, then those who see only that recordings exist."""
    found = []
    for role in (*ROLE_NAMES, *(role for role in Role if role not in ROLE_NAMES)):
        if role is Role.INTEGRATION:
            continue
        someone = Principal(actor=f"role:{role.value}", role=role)
        listens = bool(may_listen(someone, auditors_may_listen=document.access.auditors_may_listen))
        reach = REACH_WORDS.get(role, "recordings, by the rules of their role")
        found.append(
            Listener(
                role=role.value,
                name=ROLE_NAMES.get(role, role.value.replace("_", " ")),
                listens=listens,
                reach=reach if listens else "see that recordings exist, but do not listen",
                downloads=bool(may(someone, "recordings.download")),
            )
        )
    return tuple(sorted(found, key=lambda listener: not listener.listens))


def listening_rules(document: PolicyDocument, min_reason: int) -> tuple[str, ...]:
    """What holds for everyone who listens, with the policy's own choices."""
    rules = [
        f"Nobody plays or downloads a recording without first giving a reason (at least "
        f"{min_reason} characters). Each play and download is written, with that reason, to a "
        "tamper-evident audit trail that compliance and auditors review.",
        PRIVATE_WORDS,
    ]
    if document.training.overdue == "no_access":
        rules.append(OVERDUE_WORDS)
    return tuple(rules)
