"""Signing in with a password, as the API and the console both do it: the throttle is asked
first, a failure is counted and audited (once per source and window), a success clears the
username's count. One flow, so a browser cannot try more passwords than curl can."""

from __future__ import annotations

from datetime import timedelta

from callwarden.audit.refusals import RefusalTally
from callwarden.db import Database
from callwarden.identity import passwords
from callwarden.identity.passwords import SignedIn
from callwarden.identity.throttle import SignInThrottle
from callwarden.kit.errors import TooManyRequests, Unauthenticated

USERNAME_KEPT = 64  # what is counted and audited of a username (the longest one allowed)


def attempt_sign_in(
    db: Database,
    throttle: SignInThrottle,
    tally: RefusalTally,
    *,
    username: str,
    password: str,
    address: str,
    lifetime: timedelta,
    label: str = "login",
) -> SignedIn:
    """A token for the username and password, in a unit of work of its own; or
    TooManyRequests before the password is checked, or Unauthenticated, both audited."""
    username = username[:USERNAME_KEPT]
    wait = throttle.retry_after(username, address)
    if wait is not None:
        throttled = TooManyRequests(
            f"too many failed sign-ins; try again in {wait} seconds", retry_after_s=wait
        )
        _audit_failure(tally, username, address, throttled.detail)
        raise throttled
    try:
        with db.unit_of_work() as session:
            signed = passwords.sign_in(session, username, password, lifetime, label)
    except Unauthenticated as refusal:
        throttle.failed(username, address)
        _audit_failure(tally, username, address, refusal.detail)
        raise
    throttle.succeeded(username)
    return signed


def _audit_failure(tally: RefusalTally, username: str, address: str, reason: str) -> None:
    tally.refused(
        action="auth.login_failed",
        source=f"address:{address}",
        actor=f"anonymous:{username}",
        target=f"username:{username}",
        reason=reason,
        subject=username,
        data={"remote_addr": address},
    )
