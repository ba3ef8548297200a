"""What a decision does (disposal of an upheld private call, an evaluation re-done, a
restriction lifted).

MINIMAL LOCAL VERSION — replaced at merge by protect16 (`cases/outcomes.py` there acts on the
outcome and says what it did, with its citation). This one keeps the signature the case
service calls and acts on nothing, so the service and its tests run before that branch is
merged.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.models import Case


def act_on_decision(session: Session, principal: Principal, case: Case) -> str:
    """Called when a case is decided (state, outcome and reasons set); returns the note of
    what the outcome did, which the service keeps in `case.outcome_note`. Replaced at merge by
    protect16."""
    return "No action on the recording or evaluation was needed for this decision."
