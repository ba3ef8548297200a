"""Legal's word on a recording dispute's hold: whether it outlives the case.

Filing a recording dispute places a hold on the recording at once (`protection.py`); closing
the case releases it, unless legal has said the matter needs the recording beyond the case (a
claim, a regulator's question). Only legal says so (`cases.keep_hold`), with a reason, audited.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.cases import filing, reading
from callwarden.cases.workflow import State
from callwarden.identity.policies import require
from callwarden.identity.principal import Principal
from callwarden.kit.errors import Conflict
from callwarden.models import Case


def keep_hold(session: Session, principal: Principal, ref: str, keep: bool, reason: str) -> Case:
    """Keep (or stop keeping) the case's hold after it closes; refused for a case with no hold
    or one already closed (its hold was then kept or released already)."""
    require(principal, "cases.keep_hold")
    case, _ = reading.readable(session, principal, ref)
    said = filing.text(reason, "reason")
    if case.hold_id is None:
        raise Conflict("this case placed no legal hold; only a recording dispute does")
    if case.state == State.CLOSED.value:
        raise Conflict("the case is closed: its hold was kept or released when it closed")
    case.keep_hold = keep
    audit.record(
        session,
        actor=principal.actor,
        action="case.hold_kept" if keep else "case.hold_to_release",
        target=f"case:{case.id}",
        reason=said,
        data={"hold_id": case.hold_id},
    )
    return case
