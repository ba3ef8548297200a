from __future__ import annotations

import pytest

from callwarden.db import Database
from callwarden.identity.principal import SYSTEM
from callwarden.policy import service as policies
from tests.support.factories import bearer, make_token
from tests.support.policies import EXAMPLE_TEXT


@pytest.fixture
def pbx(db: Database) -> dict[str, str]:
    """An integration token, with the example policy in force."""
    with db.unit_of_work() as session:
        policies.apply(session, SYSTEM, EXAMPLE_TEXT, "policy.yaml")
    return bearer(make_token(db, "integration"))
