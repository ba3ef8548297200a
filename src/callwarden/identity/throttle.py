"""Sign-in throttling: too many failed sign-ins for one username, or from one client address,
and further attempts are refused (429 with Retry-After) before any password is checked.

Failures are counted in a sliding window, in this process's memory: enough for the embedded
default (one server process). With several workers each keeps its own count, so the limits
apply per worker; a shared store would be needed to make them exact.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from datetime import datetime, timedelta

from callwarden.kit import clock

MAX_KEYS = 50_000


class SignInThrottle:
    """Counts failed sign-ins per username and per address; says how long to wait when over."""

    def __init__(self, window: timedelta, per_user: int, per_address: int) -> None:
        self.window = window
        self.limits = {"user": per_user, "address": per_address}
        self._failures: dict[tuple[str, str], deque[datetime]] = {}
        self._lock = threading.Lock()

    def retry_after(self, username: str, address: str) -> int | None:
        """Seconds until a sign-in for `username` from `address` may be tried, or None: go."""
        now = clock.now()
        waits = []
        with self._lock:
            for kind, value in (("user", username), ("address", address)):
                failures = self._recent((kind, value), now)
                if failures is not None and len(failures) >= self.limits[kind]:
                    # Wait until enough of the oldest failures leave the window.
                    over = len(failures) - self.limits[kind]
                    frees_at = failures[over] + self.window
                    waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
        return max(waits) if waits else None

    def failed(self, username: str, address: str) -> None:
        now = clock.now()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._forget_stale(now)
            for key in (("user", username), ("address", address)):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        """A right password clears that username's failures (not the address's)."""
        with self._lock:
            self._failures.pop(("user", username), None)

    def _recent(self, key: tuple[str, str], now: datetime) -> deque[datetime] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] + self.window <= now:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def _forget_stale(self, now: datetime) -> None:
        for key in list(self._failures):
            self._recent(key, now)
        if len(self._failures) >= MAX_KEYS:  # still full of live keys: forget the oldest half
            oldest = sorted(self._failures, key=lambda key: self._failures[key][-1])
            for key in oldest[: MAX_KEYS // 2]:
                del self._failures[key]
