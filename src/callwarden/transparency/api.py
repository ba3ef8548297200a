"""Routes for employees: `GET /v1/about-recording` and `GET /v1/me/recording-access`."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.kit.pagination import DEFAULT_LIMIT, Page
from callwarden.server.deps import principal, read_session
from callwarden.server.paging import Cursor, Limit
from callwarden.transparency import about, access_log
from callwarden.transparency.schemas import AboutRecordingOut, RecordingAccessOut

router = APIRouter(tags=["transparency"])


@router.get("/v1/about-recording", response_model=AboutRecordingOut)
def about_recording(
    who: Principal = Depends(principal),
    session: Session = Depends(read_session),
) -> AboutRecordingOut:
    """Which calls are recorded and why, how long each purpose keeps them, who may listen, the
    secure pause, and how to ask for a private call's removal or raise a concern: from the
    policy in force, for any signed-in person (404 when no policy is in force)."""
    return AboutRecordingOut.model_validate(about.current(session))


@router.get("/v1/me/recording-access", response_model=Page[RecordingAccessOut])
def my_recording_access(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    who: Principal = Depends(principal),
    session: Session = Depends(read_session),
) -> Page[RecordingAccessOut]:
    """Who played or downloaded the recordings of your own calls, when and with what reason,
    newest first; your own listens are left out. Only where the policy in force allows it
    (`transparency.employees_see_access`), else 403 `access_not_shown`."""
    found = access_log.my_recording_access(session, who, cursor, limit)
    items = [RecordingAccessOut.model_validate(row) for row in found.rows]
    return Page(items=items, next_cursor=found.next_cursor)
