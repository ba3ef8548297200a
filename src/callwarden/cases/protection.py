"""What filing a case does at once to the recording it is about, and what closing undoes.

MINIMAL LOCAL VERSION — replaced at merge by protect16 (`cases/protection.py` there restricts
a private call's recording and takes it out of QA sampling, places a recording dispute's legal
hold, and releases them at closing). These two functions keep the signatures the case service
calls, and do nothing, so the service and its tests run before that branch is merged.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.models import Case


def protect(session: Session, principal: Principal, case: Case) -> None:
    """Called right after a case is filed (its row flushed), in the same transaction.
    Replaced at merge by protect16."""


def release(session: Session, principal: Principal, case: Case, reason: str) -> None:
    """Called when a case closes, in the same transaction. Replaced at merge by protect16."""
