"""Every endpoint refuses the roles that must not use it, and lets the others through.

The table below is the contract. A new endpoint fails `test_every_endpoint_is_in_the_matrix` until
someone decides, here, which roles may call it.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from callwarden.db import Database
from callwarden.identity.roles import Role
from tests.support.factories import bearer, make_token

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

# (method, path) -> roles allowed. Public endpoints (no token) are listed in PUBLIC.
MATRIX: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/v1/me"): EVERYONE,
    ("GET", "/v1/users"): AUDIT_READERS,
    ("POST", "/v1/users"): ADMIN,
    ("POST", "/v1/users/{username}/disable"): ADMIN,
    ("POST", "/v1/users/{username}/enable"): ADMIN,
    ("POST", "/v1/users/{username}/role"): ADMIN,
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
    # Playing and exporting are decided per recording (see tests/recordings/test_access.py).
    ("GET", "/v1/recordings/{recording_id}/audio"): EVERYONE,
    ("GET", "/v1/recordings/{recording_id}/download"): EVERYONE,
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


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "does-not-exist", path)


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(client: TestClient, db: Database, role: Role) -> None:
    token = make_token(db, role.value)
    for (method, path), allowed in MATRIX.items():
        response = client.request(
            method,
            concrete(path),
            headers=bearer(token),
            json={} if method in {"POST", "PUT", "PATCH"} else None,
        )
        if role in allowed:
            assert response.status_code != 403, (
                f"{role} was refused {method} {path}: {response.text}"
            )
            assert response.status_code != 401
        else:
            assert response.status_code == 403, f"{role} was let through {method} {path}"
            assert role.value in response.json()["detail"]
