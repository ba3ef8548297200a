"""schemathesis hooks (loaded by `st run` through SCHEMATHESIS_HOOKS): a bearer token that heals.

A run with every check may revoke its own token (`DELETE /v1/tokens/{id}` with an id it read)
or disable its own user; both are legitimate, and they would leave the rest of the run testing
nothing but 401s. So the token comes from here: a fresh user of the role in
SCHEMATHESIS_CALLWARDEN_ROLE, minted straight into the database the server uses, and minted again
whenever an answer is 401.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis

from callwarden.db import Database
from tests.support.factories import make_token


@schemathesis.auth(retry_on=[401])
class FreshToken:
    def get(self, case: Any, context: Any) -> str:
        db = Database(os.environ["SCHEMATHESIS_CALLWARDEN_DATABASE"])
        try:
            role = os.environ["SCHEMATHESIS_CALLWARDEN_ROLE"]
            return make_token(db, role, f"st-{role.replace('_', '-')}-{uuid.uuid4().hex[:12]}")
        finally:
            db.dispose()

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
