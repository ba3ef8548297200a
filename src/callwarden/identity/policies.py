"""Authorization as small policy functions: each returns allow, or a reason for denial.

The reason is shown to the caller and written to the audit trail, so it says which role was
needed, not just "no".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.kit.errors import Forbidden


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def allow(reason: str = "allowed") -> Verdict:
    return Verdict(True, reason)


def deny(reason: str) -> Verdict:
    return Verdict(False, reason)


# Which roles may take each action. Actions are named `<domain>.<verb>`.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "users.manage": frozenset({Role.ADMIN}),
    "jobs.read": frozenset({Role.ADMIN}),
    "users.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR}),
    "teams.manage": frozenset({Role.ADMIN}),
    "teams.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.SUPERVISOR, Role.AUDITOR}),
    "tokens.manage_any": frozenset({Role.ADMIN}),
    "audit.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR}),
    "policy.apply": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
    "policy.read": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
            Role.LEGAL,
            Role.AUDITOR,
            Role.INTEGRATION,
        }
    ),
    "decisions.make": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.INTEGRATION}),
    "decisions.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.LEGAL}),
    "calls.write": frozenset({Role.ADMIN, Role.INTEGRATION}),
    "recordings.ingest": frozenset({Role.ADMIN, Role.INTEGRATION}),
    "recordings.search": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.LEGAL,
            Role.AUDITOR,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
        }
    ),
    "recordings.play": frozenset(
        {Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.SUPERVISOR, Role.QA_REVIEWER, Role.AGENT}
    ),
    "recordings.download": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL}),
    "recordings.assign": frozenset({Role.COMPLIANCE_OFFICER, Role.SUPERVISOR}),
    "recordings.flag_private": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL}),
    # Who has played or exported a recording (its access log): the oversight roles.
    "recordings.access_log": frozenset(
        {Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.AUDITOR}
    ),
    "scripts.manage": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
    # Findings: the roles that see every recording read them; a compliance officer works them.
    "findings.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.LEGAL}),
    "findings.manage": frozenset({Role.COMPLIANCE_OFFICER}),
    # Legal holds: legal and compliance make and release them; the oversight roles read them.
    "holds.manage": frozenset({Role.LEGAL, Role.COMPLIANCE_OFFICER}),
    "holds.read": frozenset({Role.LEGAL, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN}),
    # Data-subject requests: compliance and legal answer them; auditors read them.
    "subjects.manage": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL}),
    "subjects.read": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.AUDITOR}),
    # Retention sweeps: compliance runs them and the administrators operate the service; the
    # oversight roles (auditors, legal) read what each disposed of and its certificate.
    "retention.sweep": frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN}),
    "retention.read": frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN, Role.AUDITOR, Role.LEGAL}),
    # Call-detail records from the phone system, for the completeness check.
    "cdr.import": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
    # Periodic checks: compliance and the administrators run them; the oversight roles read
    # runs and findings (auditors and legal need them for a review); compliance works them.
    "checks.run": frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN}),
    "checks.read": frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN, Role.AUDITOR, Role.LEGAL}),
    "checks.work": frozenset({Role.COMPLIANCE_OFFICER}),
    # The compliance report: the oversight roles read it (it names findings and teams).
    "reports.read": frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN, Role.LEGAL}),
    # QA review: a compliance officer keeps the scorecards; a QA lead (compliance officer, or a
    # supervisor for their own team) plans samples; reviewers evaluate; everyone involved reads
    # what concerns them (qa/access.py narrows each list); agents acknowledge their own.
    "qa.scorecards.manage": frozenset({Role.COMPLIANCE_OFFICER}),
    "qa.plans.manage": frozenset({Role.COMPLIANCE_OFFICER, Role.SUPERVISOR}),
    "qa.plans.read": frozenset(
        {Role.COMPLIANCE_OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.LEGAL}
    ),
    "qa.evaluate": frozenset({Role.QA_REVIEWER}),
    # The console's QA desk (queues, plans, rates) and an agent's own evaluations.
    "qa.desk": frozenset(
        {Role.QA_REVIEWER, Role.SUPERVISOR, Role.COMPLIANCE_OFFICER, Role.AUDITOR}
    ),
    "qa.own": frozenset({Role.AGENT}),
    "qa.acknowledge": frozenset({Role.AGENT, Role.SUPERVISOR}),
    "qa.read": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
            Role.AUDITOR,
            Role.LEGAL,
        }
    ),
    # Training: a compliance officer publishes courses; every person reads and takes their own
    # (integrations are not people); the oversight roles read everyone's records.
    "training.courses.publish": frozenset({Role.COMPLIANCE_OFFICER}),
    "training.read_own": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
            Role.LEGAL,
            Role.AUDITOR,
        }
    ),
    "training.take": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
            Role.LEGAL,
            Role.AUDITOR,
        }
    ),
    "training.records.read": frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN}),
    # Cases (employees' concerns and disputes): every person may raise one about themselves;
    # compliance and legal enter a customer's recording dispute; compliance officers handle
    # cases (cases/handlers.py checks each handler against the people the case is about);
    # legal decides whether a dispute's hold outlives its case; auditors read the records
    # (never who reported a case: cases/views.py leaves the reporter out for everyone but
    # the handlers).
    "cases.file": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.SUPERVISOR,
            Role.QA_REVIEWER,
            Role.AGENT,
            Role.LEGAL,
            Role.AUDITOR,
        }
    ),
    "cases.file_for_customer": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL}),
    "cases.handle": frozenset({Role.COMPLIANCE_OFFICER}),
    "cases.keep_hold": frozenset({Role.LEGAL}),
    "cases.read": frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.AUDITOR}),
    "calls.read": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.AUDITOR,
            Role.LEGAL,
            Role.SUPERVISOR,
            Role.INTEGRATION,
            Role.AGENT,
        }
    ),
}


def may(principal: Principal, action: str) -> Verdict:
    """Role-based check for an action with no particular resource."""
    roles = PERMISSIONS.get(action)
    if roles is None:
        return deny(f"unknown action {action!r}")
    if principal.role in roles:
        return allow(f"role {principal.role} may {action}")
    needed = ", ".join(sorted(role.value for role in roles))
    return deny(f"{action} needs one of the roles: {needed}; this token has role {principal.role}")


def may_listen(
    principal: Principal, *, auditors_may_listen: bool, overdue_training: Sequence[str] = ()
) -> Verdict:
    """`recordings.play` by role, widened for auditors when the policy in force grants it
    (`access.auditors_may_listen`): a review may need the audio, and the organisation says so
    in writing. Downloading stays out of an auditor's reach either way.

    Narrowed for supervisors and QA reviewers whose training is overdue when the policy says
    `training.overdue: no_access` (the caller reads the policy and passes what is overdue,
    empty otherwise): those who judge others' calls must know the rules they judge by."""
    if overdue_training and principal.role in (Role.SUPERVISOR, Role.QA_REVIEWER):
        return deny(
            "your training is overdue: " + "; ".join(overdue_training) + ". The policy "
            "(training.overdue: no_access) lets you play recordings again once you are current."
        )
    if principal.role is Role.AUDITOR:
        if auditors_may_listen:
            return allow("the policy lets auditors listen (access.auditors_may_listen)")
        return deny(
            "auditors see recording metadata only, not the audio (the policy's "
            "access.auditors_may_listen is off)"
        )
    return may(principal, "recordings.play")


def require(principal: Principal, action: str) -> None:
    """Raise Forbidden, with the reason, unless the principal's role may take `action`."""
    verdict = may(principal, action)
    if not verdict:
        raise Forbidden(verdict.reason)


def may_manage_token(principal: Principal, token_owner_id: str) -> Verdict:
    """Everyone manages their own tokens; only administrators manage other people's."""
    if principal.user_id == token_owner_id:
        return allow("own token")
    if principal.role in PERMISSIONS["tokens.manage_any"]:
        return allow("administrators manage every token")
    return deny("only the token's owner or an administrator may manage this token")


# Roles whose work is to oversee everything: they reach every call, recording and decision.
SEES_EVERYTHING = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.AUDITOR})


@dataclass(frozen=True, slots=True)
class Reach:
    """Whose calls (and the recordings, decisions and consent evidence of them) a principal sees.

    One rule for every domain, so a supervisor who cannot play another team's recording cannot
    read that team's call either: everything, or the rows matching any of the owners named here.
    """

    everything: bool = False
    agent_user_id: str | None = None  # the calls this user took as the agent
    team_id: str | None = None  # the calls of this team
    creator_user_id: str | None = None  # the calls this identity created (integrations)
    creator_actor: str | None = None  # the same, for a built-in adapter with no user (Twilio)


def reach(principal: Principal) -> Reach:
    """Agents reach their own calls, supervisors also their team's, integrations the calls
    they created; the oversight roles reach all. Anyone else reaches nothing by this rule."""
    role = principal.role
    if role in SEES_EVERYTHING:
        return Reach(everything=True)
    if role is Role.AGENT:
        return Reach(agent_user_id=principal.user_id)
    if role is Role.SUPERVISOR:
        return Reach(agent_user_id=principal.user_id, team_id=principal.team_id)
    if role is Role.INTEGRATION:
        if principal.user_id is not None:
            return Reach(creator_user_id=principal.user_id)
        return Reach(creator_actor=principal.actor)
    return Reach()


def may_read_training_of(principal: Principal, user_id: str, team_id: str | None) -> Verdict:
    """Whose training record (assignments, attempts, acknowledgements) a principal reads: the
    roles with `training.records.read` everyone's, a supervisor their team's (the team `reach`
    gives them), every person their own. The caller answers a refusal as it answers a person
    who does not exist, so the refusal's words never reach a browser."""
    if may(principal, "training.records.read"):
        return allow("the oversight roles read every training record")
    own = may(principal, "training.read_own")
    if not own:
        return own
    if principal.user_id is not None and principal.user_id == user_id:
        return allow("your own training record")
    team = reach(principal).team_id
    if team is not None and team == team_id:
        return allow("a supervisor reads the training records of their team")
    return deny("a person reads their own training record, a supervisor their team's")


def may_issue_token(principal: Principal, owner_id: str, *, owner_is_service: bool) -> Verdict:
    """A token acts as its owner, so only the owner may have one issued, except that
    administrators issue the tokens of service identities (which have no password to sign in
    with). Nobody, administrators included, mints a token for another person."""
    if principal.user_id == owner_id:
        return allow("own token")
    if not owner_is_service:
        return deny(
            "nobody may create a token for another person: people get tokens by signing in "
            "(POST /v1/auth/token); integrations use a service identity"
        )
    if principal.role in PERMISSIONS["tokens.manage_any"]:
        return allow("administrators issue the tokens of service identities")
    return deny("only an administrator may create a token for a service identity")
