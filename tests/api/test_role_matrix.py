"""Every endpoint refuses the roles that must not use it, and lets the others do what it is for.

The table below is the contract. A new endpoint fails `test_every_endpoint_is_in_the_matrix` until
someone decides, here, which roles may call it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from callwarden.app import create_app
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity import service as identity
from callwarden.identity.principal import SYSTEM, Principal
from callwarden.identity.roles import Role
from callwarden.policy import service as policies
from callwarden.qa import service as qa
from callwarden.signing import create_signing_key_file
from callwarden.training import service as training
from callwarden.vault.keyring import Keyring
from tests.recordings.conftest import CALIFORNIA
from tests.support.audio import wav
from tests.support.factories import bearer, make_team, make_token, make_user, token_for
from tests.support.policies import EXAMPLE_TEXT

EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
AUDIT_READERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR})
TEAM_READERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.SUPERVISOR, Role.AUDITOR})
POLICY_WRITERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER})
DECIDERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.INTEGRATION})
DECISION_READERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.LEGAL})
RECORDING_READERS = frozenset(set(Role) - {Role.INTEGRATION})
CALL_WRITERS = frozenset({Role.ADMIN, Role.INTEGRATION})
CALL_READERS = frozenset(
    {
        Role.ADMIN,
        Role.COMPLIANCE_OFFICER,
        Role.AUDITOR,
        Role.LEGAL,
        Role.SUPERVISOR,
        Role.INTEGRATION,
        Role.AGENT,  # their own calls only (tests/calls/test_scoping.py)
    }
)

FINDING_READERS = frozenset({Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.LEGAL})
COMPLIANCE = frozenset({Role.COMPLIANCE_OFFICER})
HOLD_MAKERS = frozenset({Role.LEGAL, Role.COMPLIANCE_OFFICER})
HOLD_READERS = frozenset({Role.LEGAL, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN})
SWEEPERS = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN})
RETENTION_READERS = frozenset({Role.LEGAL, Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN})
SUBJECT_MANAGERS = frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL})
SUBJECT_READERS = frozenset({Role.COMPLIANCE_OFFICER, Role.LEGAL, Role.AUDITOR})
CHECK_RUNNERS = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN})
CHECK_READERS = frozenset({Role.COMPLIANCE_OFFICER, Role.ADMIN, Role.AUDITOR, Role.LEGAL})
QA_READERS = frozenset(set(Role) - {Role.INTEGRATION})  # each sees what concerns them
QA_PLANNERS = frozenset({Role.COMPLIANCE_OFFICER, Role.SUPERVISOR})
REPORT_READERS = frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN, Role.LEGAL})
QA_PLAN_READERS = frozenset(
    {Role.COMPLIANCE_OFFICER, Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN, Role.LEGAL}
)
TRAINEES = frozenset(set(Role) - {Role.INTEGRATION})  # every person, for their own training
TRAINING_RECORDS = frozenset({Role.COMPLIANCE_OFFICER, Role.AUDITOR, Role.ADMIN})
CASE_FILERS = frozenset(set(Role) - {Role.INTEGRATION})  # every person, about themselves
LEGAL = frozenset({Role.LEGAL})

# (method, path) -> roles allowed. Public endpoints (no token) are listed in PUBLIC.
MATRIX: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/v1/me"): EVERYONE,
    ("GET", "/v1/users"): AUDIT_READERS,
    ("POST", "/v1/users"): ADMIN,
    ("POST", "/v1/users/{username}/disable"): ADMIN,
    ("POST", "/v1/users/{username}/enable"): ADMIN,
    ("POST", "/v1/users/{username}/role"): ADMIN,
    ("POST", "/v1/users/{username}/team"): ADMIN,
    ("POST", "/v1/users/{username}/password"): ADMIN,
    ("POST", "/v1/service-identities"): ADMIN,
    # Your own password; the one route a token from a temporary password may use.
    ("POST", "/v1/me/password"): EVERYONE,
    ("GET", "/v1/teams"): TEAM_READERS,
    ("POST", "/v1/teams"): ADMIN,
    ("GET", "/v1/tokens"): EVERYONE,
    ("POST", "/v1/tokens"): EVERYONE,
    ("DELETE", "/v1/tokens/{token_id}"): EVERYONE,
    ("GET", "/v1/audit/events"): AUDIT_READERS,
    ("GET", "/v1/audit/verify"): AUDIT_READERS,
    ("GET", "/v1/audit/package"): AUDIT_READERS,
    ("GET", "/v1/jobs"): ADMIN,
    ("GET", "/v1/policy"): EVERYONE,
    ("GET", "/v1/policy/versions"): EVERYONE,
    ("GET", "/v1/policy/versions/{version}"): EVERYONE,
    ("GET", "/v1/policy/rendered"): EVERYONE,
    ("POST", "/v1/policy/validate"): POLICY_WRITERS,
    ("POST", "/v1/policy/versions"): POLICY_WRITERS,
    ("POST", "/v1/decisions"): DECIDERS,
    ("GET", "/v1/decisions/{decision_id}"): DECISION_READERS,
    ("POST", "/v1/calls"): CALL_WRITERS,
    ("GET", "/v1/calls"): CALL_READERS,
    ("POST", "/v1/calls/{call_id}/events"): CALL_WRITERS,
    ("GET", "/v1/calls/{call_id}"): CALL_READERS,
    ("GET", "/v1/calls/{call_id}/consent"): CALL_READERS,
    ("POST", "/v1/calls/{call_id}/recordings"): frozenset({Role.ADMIN, Role.INTEGRATION}),
    ("GET", "/v1/recordings"): RECORDING_READERS,
    ("GET", "/v1/recordings/{recording_id}"): RECORDING_READERS,
    # Past the role check, playing and exporting are decided per recording
    # (tests/recordings/test_access.py).
    ("GET", "/v1/recordings/{recording_id}/audio"): RECORDING_READERS,
    ("GET", "/v1/recordings/{recording_id}/download"): RECORDING_READERS,
    ("POST", "/v1/recordings/{recording_id}/assignments"): frozenset(
        {Role.COMPLIANCE_OFFICER, Role.SUPERVISOR}
    ),
    ("POST", "/v1/recordings/{recording_id}/private"): frozenset(
        {Role.COMPLIANCE_OFFICER, Role.LEGAL}
    ),
    ("GET", "/v1/recordings/{recording_id}/findings"): RECORDING_READERS,
    ("POST", "/v1/scripts/{script_id}/audio"): POLICY_WRITERS,
    ("GET", "/v1/findings"): FINDING_READERS,
    ("POST", "/v1/findings/{finding_id}/acknowledge"): COMPLIANCE,
    ("POST", "/v1/findings/{finding_id}/resolve"): COMPLIANCE,
    ("POST", "/v1/findings/{finding_id}/accept-risk"): COMPLIANCE,
    ("POST", "/v1/holds"): HOLD_MAKERS,
    ("GET", "/v1/holds"): HOLD_READERS,
    ("GET", "/v1/holds/{hold_id}"): HOLD_READERS,
    ("PATCH", "/v1/holds/{hold_id}"): HOLD_MAKERS,
    ("POST", "/v1/holds/{hold_id}/release"): HOLD_MAKERS,
    ("GET", "/v1/recordings/{recording_id}/holds"): HOLD_READERS,
    ("POST", "/v1/retention/sweeps"): SWEEPERS,
    ("GET", "/v1/retention/sweeps"): RETENTION_READERS,
    ("GET", "/v1/retention/sweeps/{sweep_id}"): RETENTION_READERS,
    ("GET", "/v1/retention/sweeps/{sweep_id}/certificate"): RETENTION_READERS,
    ("GET", "/v1/checks"): CHECK_READERS,
    ("POST", "/v1/checks/runs"): CHECK_RUNNERS,
    ("GET", "/v1/checks/runs"): CHECK_READERS,
    ("GET", "/v1/checks/runs/{run_id}"): CHECK_READERS,
    ("GET", "/v1/checks/findings"): CHECK_READERS,
    ("GET", "/v1/checks/findings/{finding_id}"): CHECK_READERS,
    ("POST", "/v1/checks/findings/{finding_id}/acknowledge"): COMPLIANCE,
    ("POST", "/v1/checks/findings/{finding_id}/resolve"): COMPLIANCE,
    ("POST", "/v1/checks/findings/{finding_id}/accept-risk"): COMPLIANCE,
    ("POST", "/v1/subject-requests"): SUBJECT_MANAGERS,
    ("GET", "/v1/subject-requests"): SUBJECT_READERS,
    ("GET", "/v1/subject-requests/{request_id}"): SUBJECT_READERS,
    ("POST", "/v1/subject-requests/{request_id}/find"): SUBJECT_MANAGERS,
    ("GET", "/v1/subject-requests/{request_id}/export"): SUBJECT_MANAGERS,
    ("POST", "/v1/subject-requests/{request_id}/erase"): SUBJECT_MANAGERS,
    ("POST", "/v1/subject-requests/{request_id}/close"): SUBJECT_MANAGERS,
    ("GET", "/v1/qa/scorecards"): QA_READERS,
    ("POST", "/v1/qa/scorecards"): COMPLIANCE,
    ("GET", "/v1/qa/scorecards/{scorecard_id}"): QA_READERS,
    ("GET", "/v1/qa/plans"): QA_PLAN_READERS,
    ("POST", "/v1/qa/plans"): QA_PLANNERS,
    ("GET", "/v1/qa/plans/{plan_id}"): QA_PLAN_READERS,
    ("GET", "/v1/qa/evaluations"): QA_READERS,
    ("GET", "/v1/qa/evaluations/{evaluation_id}"): QA_READERS,
    ("POST", "/v1/qa/evaluations/{evaluation_id}/submit"): frozenset({Role.QA_REVIEWER}),
    ("POST", "/v1/qa/evaluations/{evaluation_id}/acknowledge"): frozenset(
        {Role.AGENT, Role.SUPERVISOR}
    ),
    ("GET", "/v1/calls/{call_id}/vcon"): CALL_READERS,
    ("POST", "/v1/training/courses"): COMPLIANCE,
    ("GET", "/v1/training/courses"): TRAINEES,
    ("GET", "/v1/training/courses/{course_id}"): TRAINEES,
    ("GET", "/v1/training/assignments"): TRAINEES,
    ("POST", "/v1/training/assignments/{assignment_id}/attempts"): TRAINEES,
    ("POST", "/v1/training/assignments/{assignment_id}/read"): TRAINEES,
    ("GET", "/v1/training/policy"): TRAINEES,
    ("POST", "/v1/training/acknowledgements"): TRAINEES,
    ("GET", "/v1/training/records/{username}"): TRAINEES,  # whose: the service's reach
    ("GET", "/v1/training/rates"): TRAINING_RECORDS,
    ("GET", "/v1/reports/compliance"): REPORT_READERS,
    # What being recorded means, and (the example policy allows it) who opened one's own calls.
    ("GET", "/v1/about-recording"): EVERYONE,
    ("GET", "/v1/me/recording-access"): EVERYONE,
    ("POST", "/v1/cases"): CASE_FILERS,
    ("GET", "/v1/cases"): CASE_FILERS,
    ("GET", "/v1/cases/{case_ref}"): CASE_FILERS,
    ("POST", "/v1/cases/{case_ref}/assign"): COMPLIANCE,
    ("POST", "/v1/cases/{case_ref}/replies"): COMPLIANCE,
    ("POST", "/v1/cases/{case_ref}/notes"): COMPLIANCE,
    ("POST", "/v1/cases/{case_ref}/messages"): CASE_FILERS,
    ("POST", "/v1/cases/{case_ref}/review"): COMPLIANCE,
    ("POST", "/v1/cases/{case_ref}/decision"): COMPLIANCE,
    ("POST", "/v1/cases/{case_ref}/appeal"): CASE_FILERS,
    ("POST", "/v1/cases/{case_ref}/close"): COMPLIANCE,
    ("GET", "/v1/cases/{case_ref}/export.pdf"): CASE_FILERS,
    ("POST", "/v1/cases/{case_ref}/hold"): LEGAL,
}
PUBLIC = {
    ("GET", "/"),
    ("GET", "/healthz"),
    ("POST", "/v1/auth/token"),
    # Authenticated by Twilio's request signature, not a bearer token (tests/calls/twilio).
    ("POST", "/v1/adapters/twilio/voice"),
    ("POST", "/v1/adapters/twilio/consent"),
    ("POST", "/v1/adapters/twilio/call-status"),
    ("POST", "/v1/adapters/twilio/recording-status"),
    # An anonymous reporter's follow-up: the code in the body is the credential, throttled
    # (tests/cases/test_api.py).
    ("POST", "/v1/cases/follow-up"),
}


def api_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every operation the app publishes, read from its OpenAPI document."""
    spec = client.get("/openapi.json").json()
    return {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method in operations
    }


def test_every_endpoint_is_in_the_matrix(client: TestClient) -> None:
    assert api_routes(client) == set(MATRIX) | PUBLIC


MADE_UP = "does-not-exist"
PASSWORD = "the role's own pass phrase"
CALL = {**CALIFORNIA, "started_at": "2026-11-30T10:00:00+00:00"}
QA_EXAMPLE = resources.files("callwarden.qa").joinpath("examples/inbound.yaml").read_text()
COURSE = resources.files("callwarden.training").joinpath("examples/recording-basics.yaml")
COURSE_EXAMPLE = COURSE.read_text()
DECISION = {k: v for k, v in CALIFORNIA.items() if k != "agent_team"}


# How each operation is called so that it can succeed: (path, JSON body). Paths name records that
# exist (the target user, policy version 1); `MADE_UP` stands where the record a role could use
# cannot be made here, and then the only reachable answer is a 404 naming it (NOT_FOUND_ONLY).
@dataclass(frozen=True)
class Call:
    path: str
    json: dict[str, Any] | None = None
    params: dict[str, str] | None = None
    content: bytes | None = None


EVENT = {"event_id": "e1", "kind": "notice_played", "occurred_at": "2026-11-30T10:00:01+00:00"}
REASON = {"reason": "looked at it"}
MADE_UP_FINDING = "987654321"
HOLD_SCOPE = {"scope": {"call_ids": ["call_in_dispute"]}}
CALLS: dict[tuple[str, str], Call] = {
    ("POST", "/v1/users"): Call("/v1/users", {"username": "newcomer", "role": "agent"}),
    ("POST", "/v1/users/{username}/disable"): Call(
        "/v1/users/target/disable", {"reason": "leaver"}
    ),
    ("POST", "/v1/users/{username}/enable"): Call("/v1/users/target/enable", {"reason": "back"}),
    ("POST", "/v1/users/{username}/role"): Call("/v1/users/target/role", {"role": "auditor"}),
    ("POST", "/v1/users/{username}/team"): Call("/v1/users/target/team", {"team": "East"}),
    ("POST", "/v1/users/{username}/password"): Call(
        "/v1/users/target/password", {"reason": "lost"}
    ),
    ("POST", "/v1/service-identities"): Call("/v1/service-identities", {"name": "pbx-two"}),
    ("POST", "/v1/me/password"): Call(
        "/v1/me/password",
        {"current_password": PASSWORD, "new_password": "a long new pass phrase"},
    ),
    ("POST", "/v1/teams"): Call("/v1/teams", {"name": "North"}),
    ("POST", "/v1/tokens"): Call("/v1/tokens", {"name": "laptop"}),
    ("GET", "/v1/policy/versions/{version}"): Call("/v1/policy/versions/1", None),
    ("GET", "/v1/audit/package"): Call(
        "/v1/audit/package", params={"from": "2026-01-01T00:00:00Z", "to": "2026-02-01T00:00:00Z"}
    ),
    ("GET", "/v1/reports/compliance"): Call(
        "/v1/reports/compliance", params={"from": "2026-11-01", "to": "2026-11-30"}
    ),
    ("POST", "/v1/policy/validate"): Call("/v1/policy/validate", {"document": EXAMPLE_TEXT}),
    ("POST", "/v1/policy/versions"): Call(
        "/v1/policy/versions",
        {"document": EXAMPLE_TEXT, "source": "policy.yaml"},
    ),
    ("POST", "/v1/decisions"): Call("/v1/decisions", DECISION),
    ("POST", "/v1/calls"): Call("/v1/calls", CALL),
    ("POST", "/v1/scripts/{script_id}/audio"): Call(
        "/v1/scripts/notice-en-v3/audio", params={"language": "en"}, content=wav(3.0, channels=1)
    ),
    ("POST", "/v1/calls/{call_id}/events"): Call(f"/v1/calls/{MADE_UP}/events", EVENT),
    ("POST", "/v1/calls/{call_id}/recordings"): Call(
        f"/v1/calls/{MADE_UP}/recordings", params={"idempotency_key": "k"}, content=wav(1.0)
    ),
    ("GET", "/v1/recordings/{recording_id}/audio"): Call(
        f"/v1/recordings/{MADE_UP}/audio", params={"reason": "review"}
    ),
    ("GET", "/v1/recordings/{recording_id}/download"): Call(
        f"/v1/recordings/{MADE_UP}/download", params={"reason": "export"}
    ),
    ("POST", "/v1/recordings/{recording_id}/assignments"): Call(
        f"/v1/recordings/{MADE_UP}/assignments", {"reviewer": "target"}
    ),
    ("POST", "/v1/recordings/{recording_id}/private"): Call(
        f"/v1/recordings/{MADE_UP}/private", {"private": True, "reason": "personal call"}
    ),
    ("POST", "/v1/findings/{finding_id}/acknowledge"): Call(
        f"/v1/findings/{MADE_UP_FINDING}/acknowledge", REASON
    ),
    ("POST", "/v1/findings/{finding_id}/resolve"): Call(
        f"/v1/findings/{MADE_UP_FINDING}/resolve", REASON
    ),
    ("POST", "/v1/findings/{finding_id}/accept-risk"): Call(
        f"/v1/findings/{MADE_UP_FINDING}/accept-risk", REASON
    ),
    ("POST", "/v1/holds"): Call("/v1/holds", {"matter": "M", "reason": "dispute", **HOLD_SCOPE}),
    ("PATCH", "/v1/holds/{hold_id}"): Call(f"/v1/holds/{MADE_UP}", {**REASON, **HOLD_SCOPE}),
    ("POST", "/v1/holds/{hold_id}/release"): Call(f"/v1/holds/{MADE_UP}/release", REASON),
    ("POST", "/v1/subject-requests"): Call(
        "/v1/subject-requests",
        {
            "kind": "access",
            "numbers": ["+14155550123"],
            "law": "gdpr",
            "received_at": "2026-11-30T10:00:00+00:00",
            "identity_verification": "called back",
            "verified_by": "the officer",
        },
    ),
    ("POST", "/v1/subject-requests/{request_id}/close"): Call(
        f"/v1/subject-requests/{MADE_UP}/close", {"outcome": "export sent"}
    ),
    ("POST", "/v1/retention/sweeps"): Call("/v1/retention/sweeps", {"dry_run": True}),
    ("POST", "/v1/checks/runs"): Call("/v1/checks/runs", {"checks": ["retention"]}),
    ("GET", "/v1/checks/findings/{finding_id}"): Call(f"/v1/checks/findings/{MADE_UP_FINDING}"),
    ("POST", "/v1/checks/findings/{finding_id}/acknowledge"): Call(
        f"/v1/checks/findings/{MADE_UP_FINDING}/acknowledge", REASON
    ),
    ("POST", "/v1/checks/findings/{finding_id}/resolve"): Call(
        f"/v1/checks/findings/{MADE_UP_FINDING}/resolve", REASON
    ),
    ("POST", "/v1/checks/findings/{finding_id}/accept-risk"): Call(
        f"/v1/checks/findings/{MADE_UP_FINDING}/accept-risk", REASON
    ),
    ("POST", "/v1/qa/scorecards"): Call("/v1/qa/scorecards", {"document": QA_EXAMPLE}),
    ("GET", "/v1/qa/scorecards/{scorecard_id}"): Call("/v1/qa/scorecards/inbound-service"),
    # No recordings here: the plan passes the role check and is refused as larger than the
    # (empty) population, the domain's answer (see assert_allowed).
    ("POST", "/v1/qa/plans"): Call(
        "/v1/qa/plans",
        {
            "period_from": "2026-11-01T00:00:00Z",
            "period_to": "2026-11-08T00:00:00Z",
            "size": 1,
            "seed": 1,
            "scorecard": "inbound-service",
        },
    ),
    ("POST", "/v1/qa/evaluations/{evaluation_id}/submit"): Call(
        f"/v1/qa/evaluations/{MADE_UP}/submit", {"answers": []}
    ),
    ("POST", "/v1/qa/evaluations/{evaluation_id}/acknowledge"): Call(
        f"/v1/qa/evaluations/{MADE_UP}/acknowledge", {}
    ),
    # Version 1 is published in the setup; the officer publishes the next.
    ("POST", "/v1/training/courses"): Call(
        "/v1/training/courses", {"document": COURSE_EXAMPLE.replace("version: 1", "version: 2", 1)}
    ),
    ("GET", "/v1/training/courses/{course_id}"): Call("/v1/training/courses/recording-basics"),
    ("POST", "/v1/training/assignments/{assignment_id}/attempts"): Call(
        f"/v1/training/assignments/{MADE_UP}/attempts", {"answers": {}}
    ),
    # Past the role check, a hash of a text the server did not render is refused (see
    # assert_allowed); tests/training/test_api.py acknowledges with the right one.
    ("POST", "/v1/training/acknowledgements"): Call(
        "/v1/training/acknowledgements", {"version": 1, "text_sha256": "0" * 64}
    ),
    ("GET", "/v1/training/records/{username}"): Call("/v1/training/records/target"),
    ("POST", "/v1/cases"): Call(
        "/v1/cases", {"kind": "concern", "summary": "a question", "details": "about recording"}
    ),
    ("POST", "/v1/cases/{case_ref}/assign"): Call(
        f"/v1/cases/{MADE_UP}/assign", {"handler": "target"}
    ),
    ("POST", "/v1/cases/{case_ref}/replies"): Call(f"/v1/cases/{MADE_UP}/replies", {"body": "b"}),
    ("POST", "/v1/cases/{case_ref}/notes"): Call(f"/v1/cases/{MADE_UP}/notes", {"body": "b"}),
    ("POST", "/v1/cases/{case_ref}/messages"): Call(f"/v1/cases/{MADE_UP}/messages", {"body": "b"}),
    ("POST", "/v1/cases/{case_ref}/decision"): Call(
        f"/v1/cases/{MADE_UP}/decision", {"outcome": "upheld", "reasons": "r"}
    ),
    ("POST", "/v1/cases/{case_ref}/appeal"): Call(f"/v1/cases/{MADE_UP}/appeal", REASON),
    ("POST", "/v1/cases/{case_ref}/close"): Call(f"/v1/cases/{MADE_UP}/close", REASON),
    ("POST", "/v1/cases/{case_ref}/hold"): Call(
        f"/v1/cases/{MADE_UP}/hold", {"keep": True, "reason": "r"}
    ),
}
NOT_FOUND_ONLY = {
    ("DELETE", "/v1/tokens/{token_id}"),
    ("GET", "/v1/decisions/{decision_id}"),
    ("POST", "/v1/calls/{call_id}/events"),
    ("GET", "/v1/calls/{call_id}"),
    ("GET", "/v1/calls/{call_id}/consent"),
    ("POST", "/v1/calls/{call_id}/recordings"),
    ("GET", "/v1/recordings/{recording_id}"),
    ("GET", "/v1/recordings/{recording_id}/audio"),
    ("GET", "/v1/recordings/{recording_id}/download"),
    ("POST", "/v1/recordings/{recording_id}/assignments"),
    ("POST", "/v1/recordings/{recording_id}/private"),
    ("GET", "/v1/recordings/{recording_id}/findings"),
    ("POST", "/v1/findings/{finding_id}/acknowledge"),
    ("POST", "/v1/findings/{finding_id}/resolve"),
    ("POST", "/v1/findings/{finding_id}/accept-risk"),
    ("GET", "/v1/holds/{hold_id}"),
    ("PATCH", "/v1/holds/{hold_id}"),
    ("POST", "/v1/holds/{hold_id}/release"),
    ("GET", "/v1/recordings/{recording_id}/holds"),
    ("GET", "/v1/retention/sweeps/{sweep_id}"),
    ("GET", "/v1/retention/sweeps/{sweep_id}/certificate"),
    ("GET", "/v1/subject-requests/{request_id}"),
    ("POST", "/v1/subject-requests/{request_id}/find"),
    ("GET", "/v1/subject-requests/{request_id}/export"),
    ("POST", "/v1/subject-requests/{request_id}/erase"),
    ("POST", "/v1/subject-requests/{request_id}/close"),
    ("GET", "/v1/calls/{call_id}/vcon"),
    ("GET", "/v1/checks/runs/{run_id}"),
    ("GET", "/v1/checks/findings/{finding_id}"),
    ("POST", "/v1/checks/findings/{finding_id}/acknowledge"),
    ("POST", "/v1/checks/findings/{finding_id}/resolve"),
    ("POST", "/v1/checks/findings/{finding_id}/accept-risk"),
    ("GET", "/v1/qa/plans/{plan_id}"),
    ("GET", "/v1/qa/evaluations/{evaluation_id}"),
    ("POST", "/v1/qa/evaluations/{evaluation_id}/submit"),
    ("POST", "/v1/qa/evaluations/{evaluation_id}/acknowledge"),
    ("POST", "/v1/training/assignments/{assignment_id}/attempts"),
    ("POST", "/v1/training/assignments/{assignment_id}/read"),
    ("GET", "/v1/cases/{case_ref}"),
    ("POST", "/v1/cases/{case_ref}/assign"),
    ("POST", "/v1/cases/{case_ref}/replies"),
    ("POST", "/v1/cases/{case_ref}/notes"),
    ("POST", "/v1/cases/{case_ref}/messages"),
    ("POST", "/v1/cases/{case_ref}/review"),
    ("POST", "/v1/cases/{case_ref}/decision"),
    ("POST", "/v1/cases/{case_ref}/appeal"),
    ("POST", "/v1/cases/{case_ref}/close"),
    ("GET", "/v1/cases/{case_ref}/export.pdf"),
    ("POST", "/v1/cases/{case_ref}/hold"),
}


def test_every_operation_with_a_body_or_a_record_says_how_it_is_called() -> None:
    for method, path in MATRIX:
        if method != "GET" and "{" not in path:
            assert (method, path) in CALLS, (method, path)  # a body that can succeed
        if "{" in path:  # a record that exists, or the made-up one and only a 404 to expect
            assert (method, path) in CALLS or (method, path) in NOT_FOUND_ONLY, (method, path)
        if (method, path) in NOT_FOUND_ONLY:
            assert "{" in path, (method, path)


def request_for(method: str, path: str) -> Call:
    if (method, path) in CALLS:
        return CALLS[(method, path)]
    return Call(re.sub(r"\{[^}]+\}", MADE_UP, path))


def assert_allowed(method: str, path: str, role: Role, response: httpx.Response) -> None:
    """Allowed means the call did what it is for: a 2xx answer. Only where no record the role
    could act on exists here, a 404 problem naming the made-up id, which a handler gives only
    after the authorization passed and it looked the record up."""
    where = f"{role} {method} {path}: {response.status_code} {response.text[:300]}"
    if role is Role.INTEGRATION and path == "/v1/me/password":
        # A service identity has no password to change: the domain's answer, after the check.
        assert response.status_code == 422 and "no password" in response.text, where
    elif (method, path) == ("POST", "/v1/qa/plans"):
        assert response.status_code == 422, where
        assert response.json()["code"] == "plan_too_large", where
    elif (method, path) == ("POST", "/v1/training/acknowledgements"):
        assert response.status_code == 422, where
        assert "not the policy as the server renders it" in response.text, where
    elif (method, path) == ("GET", "/v1/training/records/{username}") and (
        role not in TRAINING_RECORDS
    ):
        # Another person's record is out of reach: answered as a name nobody has.
        assert response.status_code == 404 and "no user named 'target'" in response.text, where
    elif (method, path) in NOT_FOUND_ONLY:
        assert response.status_code == 404, where
        assert response.json()["code"] == "not_found", where
        assert MADE_UP in response.text or MADE_UP_FINDING in response.text, where
    else:
        assert 200 <= response.status_code < 300, where


def token_for_role(db: Database, role: Role) -> str:
    """A token of a person with `role` and a password (so changing it can succeed); the
    integration role is a service identity, which has none."""
    if role is Role.INTEGRATION:
        return make_token(db, role.value)
    with db.unit_of_work() as session:
        user = identity.create_user(
            session,
            SYSTEM,
            username=f"the-{role.value.replace('_', '-')}",
            role=role.value,
            password=PASSWORD,
        ).user
    return token_for(db, user)


@pytest.fixture
def vault_client(settings: Settings, db: Database) -> Iterator[TestClient]:
    """The app with a key ring and a signing key, as a server that stores recordings has."""
    Path(settings.keyring_path).parent.mkdir(parents=True, exist_ok=True)
    Keyring.create(settings.keyring_path)
    create_signing_key_file(settings.signing_key_path)
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(vault_client: TestClient, db: Database, role: Role) -> None:
    client = vault_client
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
        qa.add_scorecard(session, Principal("setup", Role.COMPLIANCE_OFFICER), QA_EXAMPLE)
    make_team(db, "East")
    make_user(db, "agent", "target")
    with db.unit_of_work() as session:
        officer = Principal("setup", Role.COMPLIANCE_OFFICER)
        training.publish_course(session, officer, COURSE_EXAMPLE)
    token = token_for_role(db, role)
    for (method, path), allowed in MATRIX.items():
        call = request_for(method, path)
        response = client.request(
            method,
            call.path,
            headers=bearer(token),
            json=call.json,
            params=call.params,
            content=call.content,
        )
        if role in allowed:
            assert_allowed(method, path, role, response)
        else:
            assert response.status_code == 403, f"{role} was let through {method} {path}"
            assert role.value in response.json()["detail"]


# What an auditor may send that is not a read: their own password and their own tokens.
AUDITOR_OWN_ACCOUNT = {
    ("POST", "/v1/me/password"),
    ("POST", "/v1/tokens"),
    ("DELETE", "/v1/tokens/{token_id}"),
    # An auditor is also a member of staff: their own training and their own acknowledgement
    # of the policy are their record, as their password is, and change nothing they review.
    ("POST", "/v1/training/acknowledgements"),
    ("POST", "/v1/training/assignments/{assignment_id}/attempts"),
    ("POST", "/v1/training/assignments/{assignment_id}/read"),
    # ... and may raise a concern or dispute of their own, write to it and appeal it, as
    # anyone may: a case is about its reporter, not about what the auditor reviews.
    ("POST", "/v1/cases"),
    ("POST", "/v1/cases/{case_ref}/messages"),
    ("POST", "/v1/cases/{case_ref}/appeal"),
}


def test_an_auditor_writes_nothing_but_their_own_account() -> None:
    """Auditors are read-only everywhere: every write route refuses them (test_role_matrix
    sends each one with an auditor's token and expects the 403 this table promises)."""
    writes = {(m, p) for (m, p), roles in MATRIX.items() if m != "GET" and Role.AUDITOR in roles}
    assert writes == AUDITOR_OWN_ACCOUNT
    assert sum(1 for method, _ in MATRIX if method != "GET") > 30  # the table is whole
