"""Who has played or downloaded the recordings of my own calls, when, and the reason given.

Shown only where the policy in force says so (`transparency.employees_see_access`): an
organisation decides in writing whether its people see the names of those who listened to
them. It is read from the audit trail, the same record the access check and the recordings'
access logs read, for the signed-in person's own calls (`recordings.agent_user_id`) and no one
else's: there is no parameter naming another person. Reading it is not itself a recording
access (no audio, no recording's metadata beyond its id, nothing of anyone else), so it writes
no audit event. One's own listens to one's own calls are left out: the list is about others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.kit.errors import Forbidden, NotFound
from callwarden.kit.pagination import Slice
from callwarden.policy import service as policies
from callwarden.transparency import repository
from callwarden.transparency.repository import PREFIX, AccessRow


class AccessNotShown(Forbidden):
    """The policy in force does not let employees see who opened their recordings."""

    code, title = "access_not_shown", "Not shown under the policy"


@dataclass(frozen=True, slots=True)
class Access:
    """Someone's plays (or downloads) of one of my recordings with one reason."""

    who: str  # a username, or the identity of a command or job ("cli:root", "system")
    role: str | None  # their role when they listened
    recording_id: str
    kind: str  # "played" or "downloaded"
    reason: str | None
    first_at: datetime
    last_at: datetime
    requests: int  # the audit events behind this row: the reason, then each range fetched


def shown(session: Session) -> bool:
    """Whether the policy in force lets employees see who opened their recordings (no policy
    in force: no)."""
    try:
        return policies.active_compiled(session).document.transparency.employees_see_access
    except NotFound:
        return False


def my_recording_access(
    session: Session, principal: Principal, cursor: str | None, limit: int
) -> Slice[Access]:
    """A page of who opened the recordings where `principal` is the agent, newest first."""
    if not shown(session):
        raise AccessNotShown(
            "the policy in force does not let employees see who played their recordings "
            "(transparency.employees_see_access is off)"
        )
    if principal.user_id is None:
        return Slice([], None)
    found = repository.access_to_recordings_of(
        session, principal.user_id, principal.actor, cursor, limit
    )
    return Slice([_access(row) for row in found.rows], found.next_cursor)


def _access(row: AccessRow) -> Access:
    return Access(
        who=row.actor.removeprefix("user:"),
        role=row.role,
        recording_id=row.target.removeprefix(PREFIX),
        kind=row.kind,
        reason=row.reason,
        first_at=row.first_at,
        last_at=row.last_at,
        requests=row.requests,
    )
