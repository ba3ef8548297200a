"""Running one registered check directly, and a policy with a `checks:` section."""

from __future__ import annotations

from datetime import datetime

from callwarden.checks.registry import Context, Found, Period, registered
from callwarden.config import Settings
from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.support.policies import EXAMPLE_TEXT


def run_check(
    db: Database, name: str, period: Period, now: datetime, settings: Settings
) -> dict[str, Found]:
    """The check's findings by key (a key twice in one run would be a bug: asserted)."""
    with db.reading() as session:
        found = list(registered()[name].function(session, period, Context(now, settings)))
    by_key = {f.key: f for f in found}
    assert len(by_key) == len(found), [f.key for f in found]
    return by_key


def apply_policy_with(db: Database, checks_yaml: str) -> None:
    """The example policy with a `checks:` section (YAML, indented by two)."""
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT + "\nchecks:\n" + checks_yaml, "policy.yaml")
