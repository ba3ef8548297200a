"""Unauthenticated refusals, aggregated: one source cannot grow the audit trail without bound.

Failed sign-ins and forged webhooks come from people nobody has authenticated, so each one
writing its own audit row would let anyone fill the trail. Instead, per (action, source), e.g.
a client address, refusals are counted in windows:

- the first refusal of a window is written at once, as before (count 1), so an auditor sees an
  attack begin;
- later refusals in that window only increment a counter in memory;
- when the window has closed, the counter is written as one summary event (`<action>.repeated`,
  with the count, the window and the reasons), at the next refusal from any source or when the
  server stops.

So a source writes at most two events per window. Counts still in memory when the process is
killed are lost; the first event of their window is not.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from callwarden.audit import service as audit
from callwarden.db import Database
from callwarden.kit import clock

MAX_SOURCES = 10_000
MAX_SUBJECTS = 10


@dataclass
class _Window:
    action: str
    source: str
    actor: str
    target: str
    started_at: datetime
    last_at: datetime
    suppressed: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    subjects: set[str] = field(default_factory=set)


KEPT_WHILE_REFUSED = "an unauthenticated refusal is kept while the request fails"


class RefusalTally:
    """Writes the first refusal per source and window, and a count of the rest."""

    def __init__(self, db: Database, window: timedelta) -> None:
        self.db = db
        self.window = window
        self._windows: dict[tuple[str, str], _Window] = {}
        self._lock = threading.Lock()

    def refused(
        self,
        *,
        action: str,
        source: str,
        actor: str,
        target: str,
        reason: str,
        subject: str,
        data: dict[str, Any] | None = None,
    ) -> None:
        """Note one refusal; writes (in a transaction of its own) only what the design says."""
        now = clock.now()
        first: dict[str, Any] | None = None
        with self._lock:
            closed = self._take_closed(now, everything=len(self._windows) >= MAX_SOURCES)
            window = self._windows.get((action, source))
            if window is None:
                self._windows[(action, source)] = _Window(action, source, actor, target, now, now)
                first = {
                    **(data or {}),
                    "source": source,
                    "count": 1,
                    "window_seconds": int(self.window.total_seconds()),
                }
            else:
                window.suppressed += 1
                window.last_at = now
                window.reasons[reason[:200]] += 1
                if len(window.subjects) < MAX_SUBJECTS:
                    window.subjects.add(subject[:64])
        if first is None and not closed:
            return
        with self.db.separate_unit_of_work(KEPT_WHILE_REFUSED) as session:
            for done in closed:
                _write_summary(session, done)
            if first is not None:
                audit.record(
                    session, actor=actor, action=action, target=target, reason=reason, data=first
                )

    def flush(self, everything: bool = False) -> None:
        """Write the summaries of closed windows (all windows with `everything`, at shutdown)."""
        with self._lock:
            closed = self._take_closed(clock.now(), everything=everything)
        if closed:
            with self.db.separate_unit_of_work(KEPT_WHILE_REFUSED) as session:
                for done in closed:
                    _write_summary(session, done)

    def _take_closed(self, now: datetime, *, everything: bool) -> list[_Window]:
        closed = [
            key
            for key, window in self._windows.items()
            if everything or window.started_at + self.window <= now
        ]
        taken = [self._windows.pop(key) for key in closed]
        return [window for window in taken if window.suppressed]


def _write_summary(session: Session, window: _Window) -> None:
    audit.record(
        session,
        actor=window.actor,
        action=f"{window.action}.repeated",
        target=window.target,
        reason=f"{window.suppressed} more refusals from {window.source} in this window",
        data={
            "source": window.source,
            "count": window.suppressed,
            "window_started_at": window.started_at.isoformat(),
            "last_at": window.last_at.isoformat(),
            "reasons": dict(window.reasons.most_common(5)),
            "subjects": sorted(window.subjects),
        },
    )
