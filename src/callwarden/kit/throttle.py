"""A sliding-window limit kept in this process's memory: so many events per key in a window,
and over it, how long to wait.

Each limit has a kind (a username, a client address, everything at once); an event counts
against one key of each kind it names. Enough for the embedded default (one server process):
with several workers each keeps its own count, so the limits apply per worker; a shared store
would be needed to make them exact. What is counted is the caller's choice (failed sign-ins,
wrong follow-up codes).
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Mapping
from datetime import datetime, timedelta

from callwarden.kit import clock

MAX_KEYS = 50_000

Key = tuple[str, str]  # (kind, value)


class Throttle:
    """Counts events per (kind, value) in a sliding window; says how long to wait when over."""

    def __init__(self, window: timedelta, limits: Mapping[str, int]) -> None:
        self.window = window
        self.limits = dict(limits)
        self._events: dict[Key, deque[datetime]] = {}
        self._lock = threading.Lock()

    def wait_for(self, keys: Mapping[str, str]) -> int | None:
        """Seconds until an event with these keys ({kind: value}) may happen, or None: go."""
        now = clock.now()
        waits = []
        with self._lock:
            for kind, value in keys.items():
                events = self._recent((kind, value), now)
                limit = self.limits[kind]
                if events is not None and len(events) >= limit:
                    # Wait until enough of the oldest events leave the window.
                    frees_at = events[len(events) - limit] + self.window
                    waits.append(max(1, math.ceil((frees_at - now).total_seconds())))
        return max(waits) if waits else None

    def count(self, keys: Mapping[str, str]) -> None:
        """One event against each of these keys."""
        now = clock.now()
        with self._lock:
            if len(self._events) >= MAX_KEYS:
                self._forget_stale(now)
            for key in keys.items():
                self._events.setdefault(key, deque()).append(now)

    def clear(self, kind: str, value: str) -> None:
        with self._lock:
            self._events.pop((kind, value), None)

    def _recent(self, key: Key, now: datetime) -> deque[datetime] | None:
        events = self._events.get(key)
        if events is None:
            return None
        while events and events[0] + self.window <= now:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def _forget_stale(self, now: datetime) -> None:
        for key in list(self._events):
            self._recent(key, now)
        if len(self._events) >= MAX_KEYS:  # still full of live keys: forget the oldest half
            oldest = sorted(self._events, key=lambda key: self._events[key][-1])
            for key in oldest[: MAX_KEYS // 2]:
                del self._events[key]
