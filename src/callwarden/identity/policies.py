"""Authorization as small policy functions: each returns allow, or a reason for denial.

The reason is shown to the caller and written to the audit trail, so it says which role was
needed, not just "no".
"""

from __future__ import annotations

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
    "scripts.manage": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER}),
    # Findings: the roles that see every recording read them; a compliance officer works them.
    "findings.read": frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.LEGAL}),
    "findings.manage": frozenset({Role.COMPLIANCE_OFFICER}),
    "calls.read": frozenset(
        {
            Role.ADMIN,
            Role.COMPLIANCE_OFFICER,
            Role.AUDITOR,
            Role.LEGAL,
            Role.SUPERVISOR,
            Role.INTEGRATION,
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
