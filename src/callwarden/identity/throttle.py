"""Sign-in throttling: too many failed sign-ins for one username, or from one client address,
and further attempts are refused (429 with Retry-After) before any password is checked.

Failures are counted in a sliding window by `kit.throttle.Throttle`, in this process's memory
(see there for what that means with several workers).
"""

from __future__ import annotations

from datetime import timedelta

from callwarden.kit.throttle import Throttle


class SignInThrottle(Throttle):
    """Counts failed sign-ins per username and per address; says how long to wait when over."""

    def __init__(self, window: timedelta, per_user: int, per_address: int) -> None:
        super().__init__(window, {"user": per_user, "address": per_address})

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until a sign-in for `username` from `address` may be tried, or None: go."""
        return self.wait_for({"user": username, "address": address})

    def failed(self, username: str, address: str) -> None:
        self.count({"user": username, "address": address})

    def succeeded(self, username: str) -> None:
        """A right password clears that username's failures (not the address's)."""
        self.clear("user", username)
