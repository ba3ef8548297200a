"""The fixed set of roles. Permissions are attached to roles in `policies.py`."""

from __future__ import annotations

from enum import StrEnum

from callwarden.kit.errors import InvalidInput


class Role(StrEnum):
    ADMIN = "admin"
    COMPLIANCE_OFFICER = "compliance_officer"
    SUPERVISOR = "supervisor"
    QA_REVIEWER = "qa_reviewer"
    AGENT = "agent"
    LEGAL = "legal"
    AUDITOR = "auditor"
    INTEGRATION = "integration"


def parse_role(value: str) -> Role:
    """A role from user input, or a clear error listing the valid ones."""
    try:
        return Role(value)
    except ValueError:
        valid = ", ".join(role.value for role in Role)
        raise InvalidInput(f"unknown role {value!r}; valid roles: {valid}") from None
