"""A short-lived memory of tokens that just authenticated, so busy integrations (a phone system
asking for a decision on every call) do not pay a database read per request.

Entries live `TTL_S` seconds. Revoking a token or disabling a user in this process forgets
every entry at once, and again when that change commits; in another process (another worker,
the CLI) the change takes effect within `TTL_S` seconds. Keys are hashes of the presented
token, never the token itself.
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Session

from callwarden.identity.principal import Principal
from callwarden.kit import clock

TTL_S = 5.0
MAX_ENTRIES = 10_000

_entries: dict[str, tuple[Principal, float, datetime]] = {}
_lock = threading.Lock()


def _key(presented: str) -> str:
    return hashlib.sha256(presented.encode()).hexdigest()


def recall(presented: str) -> Principal | None:
    entry = _entries.get(_key(presented))
    if entry is None:
        return None
    principal, fresh_until, token_expires_at = entry
    if time.monotonic() > fresh_until or clock.now() >= token_expires_at:
        return None
    return principal


def remember(presented: str, principal: Principal, token_expires_at: datetime) -> None:
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[_key(presented)] = (principal, time.monotonic() + TTL_S, token_expires_at)


def forget_all(session: Session | None = None) -> None:
    """After a revocation or a disabled user: nobody is recalled, everyone is checked again.

    Given the session that makes the change, once more after it commits: a request that
    authenticated in between read the old state and would otherwise be recalled for `TTL_S`."""
    _clear()
    if session is not None:
        event.listen(session, "after_commit", lambda _committed: _clear(), once=True)


def _clear() -> None:
    with _lock:
        _entries.clear()
