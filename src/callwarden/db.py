"""Database engine and the unit of work (and, by name, the separate one kept on failure).

SQLite runs in WAL mode. Writing transactions begin IMMEDIATE, so concurrent writers queue on
the database lock instead of failing half-way (the audit chain relies on writers being
serialised), and inside one process they queue on a lock first: SQLite's own busy handler waits
by sleeping in growing steps, which under load costs far more than the write itself. Read-only
work uses deferred transactions, which never wait for writers in WAL mode. PostgreSQL
serialises audit writers with a row lock on the chain head instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def make_engine(
    url: str, *, immediate: bool = True, auto_checkpoint: bool = True, **options: Any
) -> Engine:
    """Create an engine with the pragmas and pooling each backend needs."""
    if url.startswith("sqlite"):
        options.setdefault("pool_size", 16)
        options.setdefault("max_overflow", 32)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **options
        )
        _configure_sqlite(engine, "BEGIN IMMEDIATE" if immediate else "BEGIN", auto_checkpoint)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _configure_sqlite(engine: Engine, begin: str, auto_checkpoint: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not auto_checkpoint:
            cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql(begin)


log = logging.getLogger(__name__)


class Database:
    """An engine plus session factories; one per process."""

    def __init__(self, url: str, *, background_checkpoints: bool = False, **options: Any) -> None:
        self.url = url
        self._checkpointer: threading.Thread | None = None
        self._stop = threading.Event()
        background = background_checkpoints and url.startswith("sqlite")
        self.engine = make_engine(url, auto_checkpoint=not background, **options)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Run with the committed session's `info` once a unit of work has committed and released
        # the write lock (the audit chain's checkpoint signer); a hook's failure is logged only.
        self.after_commit: list[Callable[[dict[Any, Any]], None]] = []
        self._writer: AbstractContextManager[Any] = (
            threading.Lock() if self.is_sqlite else nullcontext()
        )
        self._open_here = threading.local()  # units of work this thread has open
        self._read_engine = (
            make_engine(url, immediate=False, auto_checkpoint=not background, **options)
            if self.is_sqlite
            else self.engine
        )
        self._reads = sessionmaker(self._read_engine, expire_on_commit=False)
        if background:
            self._checkpointer = threading.Thread(
                target=self._checkpoint_loop, name="wal-checkpoint", daemon=True
            )
            self._checkpointer.start()

    def _checkpoint_loop(self, every_s: float = 1.0) -> None:
        """Copy the WAL back into the database off the request path.

        A checkpoint fsyncs the database file; run by whichever request commits past the WAL
        threshold, it would stall that request and every writer queued behind it. Here it runs
        on its own connection, PASSIVE (it never blocks readers or writers).
        """
        while not self._stop.wait(every_s):
            try:
                with self._read_engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            except Exception:  # a missed checkpoint is tried again a second later
                log.warning("WAL checkpoint failed", exc_info=True)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises.

        Services receive the session and never commit; the API request, CLI command or job that
        opened the unit of work owns the commit, so a failure leaves nothing half-written.
        """
        with self._writer:
            session = self._sessions()
            depth = getattr(self._open_here, "depth", 0)
            self._open_here.depth = depth + 1
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                self._open_here.depth = depth
                session.close()
        for hook in self.after_commit:
            try:
                hook(session.info)
            except Exception:  # the unit of work has committed: never report it as failed
                log.exception("after-commit hook %s failed", getattr(hook, "__name__", hook))

    @contextmanager
    def separate_unit_of_work(self, reason: str) -> Iterator[Session]:
        """A unit of work of its own, kept whatever becomes of the request that needed it.

        For what must stay written while the caller's work fails: a refused attempt
        (`access.denied`), a refused call event kept as a violation, unauthenticated refusals
        and their counts, a provider callback for an unknown call. The API route, CLI command
        or job opens it (services never do), after its own unit of work has ended: opened
        inside one on the same thread it would wait for the write lock (SQLite) or the audit
        chain's head (PostgreSQL) that the caller holds, so that is refused at once.
        `reason` says why the write stands apart; it is kept in the session's `info`.
        """
        if getattr(self._open_here, "depth", 0):
            raise RuntimeError(f"a separate unit of work ({reason}) inside an open one")
        with self.unit_of_work() as session:
            session.info["separate_because"] = reason
            yield session

    @property
    def read_engine(self) -> Engine:
        """The engine for reads: on SQLite its transactions are deferred (no write lock)."""
        return self._read_engine

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (never committed) that does not wait for writers.

        It reads one snapshot: SQLite in WAL mode gives a deferred transaction that from its
        first read; on PostgreSQL it runs REPEATABLE READ, so a read of several statements (the
        audit chain's head, then its events) never mixes two moments.
        """
        session = self._reads()
        if not self.is_sqlite:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def dispose(self) -> None:
        self._stop.set()
        if self._checkpointer is not None:
            self._checkpointer.join(5)
        self.engine.dispose()
        if self._read_engine is not self.engine:
            self._read_engine.dispose()
