"""The thresholds a check measures against: the `checks:` section of the policy in force, or
its defaults when no policy is in force yet (a check still runs, and says what it assumed)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.kit.errors import NotFound
from callwarden.policy import service as policies
from callwarden.policy.schema import ChecksHandling


def thresholds(session: Session) -> ChecksHandling:
    try:
        return policies.active_compiled(session).document.checks
    except NotFound:
        return ChecksHandling()
