"""The grant a console player carries: which recording, which recorded reason, until when,
signed with the browser's session cookie.

`recordings.listening` records the reason and keeps its expiry in the audit trail; this token
only lets the audio route find that record again. Being keyed by the session cookie (which
the page's scripts cannot read), a grant copied to another browser or kept past sign-out
opens nothing, and a URL without one plays nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from fastapi import Request

from callwarden.recordings.listening import ListeningGrant
from callwarden.web import session as cookies


def _signature(cookie: str, payload: str) -> str:
    key = hashlib.sha256(b"callwarden-listen\0" + cookie.encode()).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def issue(request: Request, grant: ListeningGrant) -> str:
    """The grant as a URL-safe token bound to this browser's session."""
    cookie = cookies.session_cookie(request) or ""
    body = json.dumps({"r": grant.recording_id, "s": grant.seq}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    return f"{payload}.{_signature(cookie, payload)}"


def recorded_seq(request: Request, token: str | None, recording_id: str) -> int | None:
    """The audit event a valid grant for this recording names; None for anything else."""
    cookie = cookies.session_cookie(request)
    if not token or not cookie or token.count(".") != 1 or len(token) > 400:
        return None
    payload, signature = token.split(".")
    if not hmac.compare_digest(_signature(cookie, payload), signature):
        return None
    try:
        body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except ValueError:
        return None
    if not isinstance(body, dict) or body.get("r") != recording_id:
        return None
    seq = body.get("s")
    return seq if isinstance(seq, int) and not isinstance(seq, bool) else None
