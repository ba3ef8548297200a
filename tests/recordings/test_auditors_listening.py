"""`access.auditors_may_listen`: off by default (auditors see metadata only); on, an auditor
plays any recording they see, not a private one, with a reason that is audited, and never
exports. The rule is decided in `recordings.access`, from the policy in force."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from callwarden.policy.loading import parse_policy
from callwarden.policy.problems import PolicyInvalid
from tests.recordings.test_access import play, two_recordings
from tests.support.policies import EXAMPLE_TEXT

__all__ = ["two_recordings"]
LISTENING = EXAMPLE_TEXT.replace("auditors_may_listen: false", "auditors_may_listen: true")


def test_the_option_is_off_unless_written_and_a_misspelling_is_refused() -> None:
    assert parse_policy(EXAMPLE_TEXT).access.auditors_may_listen is False
    assert parse_policy(LISTENING).access.auditors_may_listen is True
    with pytest.raises(PolicyInvalid):
        parse_policy(EXAMPLE_TEXT.replace("auditors_may_listen: false", "auditor_may_listen: true"))


def test_an_auditor_listens_only_when_the_policy_grants_it(
    api: TestClient, db: Database, people: dict[str, dict[str, str]], two_recordings: dict[str, str]
) -> None:
    alice, bob = two_recordings["alice"], two_recordings["bob"]
    refused = api.get(f"/v1/recordings/{alice}/audio", params={"reason": "review"},
                      headers=people["audra"])  # fmt: skip
    assert refused.status_code == 403 and "auditors see recording metadata only" in refused.text
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, LISTENING, "policy.yaml")
    assert play(api, people["audra"], alice) == 200
    assert play(api, people["alice"], bob) == 404  # nobody else's rights moved
    export = api.get(f"/v1/recordings/{alice}/download", params={"reason": "review"},
                     headers=people["audra"])  # fmt: skip
    assert export.status_code == 403
    flagged = api.post(f"/v1/recordings/{bob}/private", headers=people["cora"],
                       json={"private": True, "reason": "personal call"})  # fmt: skip
    assert flagged.status_code == 200
    private = api.get(f"/v1/recordings/{bob}/audio", params={"reason": "review"},
                      headers=people["audra"])  # fmt: skip
    assert private.status_code == 403 and "flagged private" in private.text
    trail = api.get("/v1/audit/events", params={"action": "recording.played"},
                    headers=people["audra"]).json()["items"]  # fmt: skip
    played = [event for event in trail if event["target"] == f"recording:{alice}"]
    assert played and played[-1]["reason"] == "review"
    assert "audra" in played[-1]["actor"]
