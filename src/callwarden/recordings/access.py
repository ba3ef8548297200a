"""Who may see, play and download which recording: small policy functions with reasons.

Listening is the sensitive act, so it is narrower than seeing metadata: auditors and
administrators see what exists but do not listen (auditors may when the policy in force says
so, `access.auditors_may_listen`; they never download); supervisors hear their own team;
agents their own calls; QA reviewers what is assigned to them; compliance and legal
everything — except that a recording flagged private is heard only by its participants and
legal, and one restricted by an open private-call case (`Restriction`) by no one but its agent
and that case's handlers (a restriction only narrows: they still need the rules below); a
refusal names the case, never what it says.

Plain functions of a principal and a row, built on `identity.policies`; the same rules for a
whole search are SQL, `repository.visible`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callwarden.identity.policies import Verdict, allow, deny, may, may_listen, reach
from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import Recording, case_label


@dataclass(frozen=True)
class Restriction:
    """The open cases restricting a recording and the people they let listen (its agent and
    each case's handler and first handler)."""

    case_numbers: tuple[int, ...]
    allowed_user_ids: frozenset[str]

    def refusal(self, act: str) -> str:
        cases = ", ".join(case_label(number) for number in self.case_numbers)
        return (
            f"this recording is restricted while case {cases} is open: only its agent and "
            f"the case's handlers may {act} it"
        )


def _restricted(principal: Principal, restriction: Restriction | None) -> bool:
    """Whether a restriction keeps this principal out."""
    if restriction is None:
        return False
    return principal.user_id is None or principal.user_id not in restriction.allowed_user_ids


def _participant(principal: Principal, recording: Recording) -> bool:
    return principal.user_id is not None and recording.agent_user_id == principal.user_id


def may_play(
    principal: Principal,
    recording: Recording,
    assigned: bool,
    auditors_may_listen: bool = False,
    overdue_training: Sequence[str] = (),
    restriction: Restriction | None = None,
) -> Verdict:
    verdict = may_listen(
        principal, auditors_may_listen=auditors_may_listen, overdue_training=overdue_training
    )
    if not verdict:
        return verdict
    if _restricted(principal, restriction):  # it only narrows: the rules below still apply
        assert restriction is not None
        return deny(restriction.refusal("play"))
    if recording.private:
        if principal.role is Role.LEGAL or _participant(principal, recording):
            return allow("private recording: participant or legal")
        return deny(
            "this recording is flagged private: only its participants and legal may play it"
        )
    role = principal.role
    if role in {Role.COMPLIANCE_OFFICER, Role.LEGAL}:
        return allow(f"{role} may play every recording")
    if role is Role.AUDITOR:
        return verdict  # the policy's grant covers every recording an auditor sees
    if role is Role.AGENT:
        return (
            allow("own call")
            if _participant(principal, recording)
            else deny("agents may play only their own calls")
        )
    if role is Role.SUPERVISOR:
        same_team = principal.team_id is not None and recording.team_id == principal.team_id
        return (
            allow("own team's call")
            if same_team
            else deny("supervisors may play only their team's calls")
        )
    if role is Role.QA_REVIEWER:
        return (
            allow("assigned for review")
            if assigned
            else deny("QA reviewers may play only recordings assigned to them")
        )
    return deny(f"role {role} may not play recordings")


def may_download(
    principal: Principal, recording: Recording, restriction: Restriction | None = None
) -> Verdict:
    verdict = may(principal, "recordings.download")
    if not verdict:
        return verdict
    if _restricted(principal, restriction):
        assert restriction is not None
        return deny(restriction.refusal("export"))
    if recording.private and principal.role is not Role.LEGAL:
        return deny("this recording is flagged private: only legal may export it")
    return allow(f"{principal.role} may export recordings")


_PRIVATE = "this recording is flagged private: only its participants and legal may see it"


def may_see(principal: Principal, recording: Recording, assigned: bool) -> Verdict:
    """The reason behind `repository.visible` for one recording (the same rules, in the same
    order), so a refused look is audited with why, while the caller is told only "not found"."""
    role = principal.role
    if reach(principal).everything:
        return allow(f"{role} sees every recording's metadata")
    own = _participant(principal, recording)
    if role is Role.AGENT:
        return allow("own call") if own else deny("agents see only their own calls")
    if role is Role.SUPERVISOR and principal.team_id:
        if own or (not recording.private and recording.team_id == principal.team_id):
            return allow("own call or own team's call")
        if recording.team_id == principal.team_id:
            return deny(_PRIVATE)
        return deny("supervisors see only their team's calls")
    if role is Role.QA_REVIEWER and principal.user_id:
        if recording.private:
            return deny(_PRIVATE)
        if assigned:
            return allow("assigned for review")
        return deny("QA reviewers see only recordings assigned to them")
    return deny(f"role {role} sees no recordings")
