"""The restriction rule by itself (pure: a principal, a row, the open cases): only the agent
and the case's handlers get through, the refusal names the case and nothing else, and a
restriction only ever narrows what the other rules allow."""

from __future__ import annotations

from callwarden.identity.principal import Principal
from callwarden.identity.roles import Role
from callwarden.models import Recording
from callwarden.recordings.access import Restriction, may_download, may_play

RESTRICTION = Restriction((3,), frozenset({"u_agent", "u_handler"}))


def _who(role: Role, user_id: str, team_id: str | None = None) -> Principal:
    return Principal(actor=f"user:{user_id}", role=role, user_id=user_id, team_id=team_id)


def _recording(private: bool = False) -> Recording:
    return Recording(id="rec_1", agent_user_id="u_agent", team_id="t_east", private=private)


def test_only_the_agent_and_the_handlers_play_a_restricted_recording() -> None:
    recording = _recording()
    assert may_play(_who(Role.AGENT, "u_agent"), recording, False, restriction=RESTRICTION)
    handler = _who(Role.COMPLIANCE_OFFICER, "u_handler")
    assert may_play(handler, recording, False, restriction=RESTRICTION)
    for refused in (
        _who(Role.SUPERVISOR, "u_lead", "t_east"),
        _who(Role.COMPLIANCE_OFFICER, "u_other_officer"),
        _who(Role.LEGAL, "u_legal"),
        _who(Role.QA_REVIEWER, "u_reviewer"),
    ):
        verdict = may_play(refused, recording, True, restriction=RESTRICTION)
        assert not verdict
        assert verdict.reason == (
            "this recording is restricted while case CASE-0003 is open: only its agent and "
            "the case's handlers may play it"
        )
    assert not may_download(_who(Role.LEGAL, "u_legal"), recording, RESTRICTION)
    assert may_download(_who(Role.LEGAL, "u_legal"), recording, None)


def test_a_restriction_only_narrows() -> None:
    handler = _who(Role.COMPLIANCE_OFFICER, "u_handler")
    private = _recording(private=True)
    assert not may_play(handler, private, False, restriction=RESTRICTION)  # private: legal only
    assert not may_download(_who(Role.AGENT, "u_agent"), _recording(), RESTRICTION)
