"""The default blob store: plain files under one root directory.

A put writes to a hidden temp file beside its destination, fsyncs it, links it into place (which
fails if the key exists, so objects are write-once without a race), and fsyncs the directory, so
an acknowledged object survives power loss and a crash mid-write leaves only a temp file that
`abort_stale_uploads` removes later. Readers never see a partial object.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Final

from callwarden.kit import clock
from callwarden.kit.errors import Conflict, InvalidInput, NotFound
from callwarden.kit.files import pread_fully
from callwarden.vault.stores.base import StoredObject, validate_key, validate_prefix

_TEMP_PREFIX: Final = ".tmp-"


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_fully(handle: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = handle.write(view)
        assert written is not None  # unbuffered regular file: never None
        view = view[written:]


def _gather(chunks: Iterator[bytes], limit: int) -> tuple[list[bytes], bool]:
    """The first chunks up to about `limit` bytes, and whether that was all of them."""
    gathered: list[bytes] = []
    size = 0
    for chunk in chunks:
        gathered.append(chunk)
        size += len(chunk)
        if size >= limit:
            return gathered, False
    return gathered, True


class _Writer:
    """Writes on a thread of its own, so the caller (sealing) and the disk work at once.

    The queue is bounded, so at most a few MiB wait in memory; a write error is raised in the
    caller at its next write or when the block ends.
    """

    DEPTH = 32
    FLUSH_EVERY = 8 * 1024 * 1024

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._queue: queue.Queue[bytes | None] = queue.Queue(self.DEPTH)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="blob-writer", daemon=True)

    def _run(self) -> None:
        unflushed = 0
        while (chunk := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure so the producer never blocks
            try:
                _write_fully(self._handle, chunk)
                unflushed += len(chunk)
                if unflushed >= self.FLUSH_EVERY:
                    # Flush as we go, so the disk works while sealing goes on instead of
                    # taking the whole object at the final fsync.
                    os.fdatasync(self._handle.fileno())
                    unflushed = 0
            except BaseException as error:  # re-raised in the caller
                self._error = error

    def write(self, chunk: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(chunk)

    def __enter__(self) -> _Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._queue.put(None)
        self._thread.join()
        if self._error is not None and exc[0] is None:
            raise self._error


class FileSystemStore:
    """Blob store on the local filesystem (or any mounted one that honours fsync and link)."""

    SMALL_OBJECT_BYTES = 4 * 1024 * 1024

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._checked_directories: set[Path] = set()

    def _path(self, key: str) -> Path:
        path = self.root / validate_key(key)
        # validate_key already forbids escapes; this is the belt to its braces (symlinks).
        if not path.resolve().is_relative_to(self.root):
            raise InvalidInput(f"blob key {key!r} resolves outside the store")
        return path

    def _new_path(self, key: str) -> Path:
        """Where a new object goes, with its directory checked once per store rather than on
        every upload: resolving a path is a system call per component, and each one is a chance
        to wait for the interpreter lock. The name itself needs no check: a link never follows
        or replaces an existing name."""
        path = self.root / validate_key(key)
        if path.parent not in self._checked_directories:
            if not path.parent.resolve().is_relative_to(self.root):
                raise InvalidInput(f"blob key {key!r} resolves outside the store")
            self._checked_directories.add(path.parent)
        return path

    def _mkdirs(self, directory: Path) -> None:
        """Create missing parents and fsync each new entry's parent, so the path is durable."""
        missing: list[Path] = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for new in reversed(missing):
            new.mkdir(mode=0o700, exist_ok=True)
            _fsync_dir(new.parent)

    def _create(self, temp: Path) -> int:
        """Open a new temp file, creating its directories the first time one is needed."""
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileNotFoundError:
            self._mkdirs(temp.parent)
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        path = self._new_path(key)
        remaining = iter(chunks)
        # Most recordings are a few MiB: sealed whole in memory first, they are written with one
        # call and no writer thread. Longer ones stream through the writer thread.
        first, complete = _gather(remaining, self.SMALL_OBJECT_BYTES)
        temp = path.with_name(f"{_TEMP_PREFIX}{path.name}.{os.urandom(6).hex()}")
        size = sum(len(chunk) for chunk in first)
        try:
            fd = self._create(temp)
            with os.fdopen(fd, "wb", buffering=0) as handle:
                if complete:
                    _write_fully(handle, b"".join(first))
                else:
                    with _Writer(handle) as writer:
                        for chunk in first:
                            writer.write(chunk)
                        for chunk in remaining:
                            writer.write(chunk)
                            size += len(chunk)
                os.fsync(handle.fileno())
            try:
                os.link(temp, path)
            except FileExistsError:
                raise Conflict(f"blob {key!r} already exists; recordings are write-once") from None
        finally:
            temp.unlink(missing_ok=True)
        _fsync_dir(path.parent)
        return size

    def open_range(self, key: str, offset: int, length: int) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound(f"blob {key!r} not found")
        fd = os.open(path, os.O_RDONLY)
        try:
            return pread_fully(fd, offset, length)
        finally:
            os.close(fd)

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():  # a key that is only a directory of other keys is not an object
            raise NotFound(f"blob {key!r} not found")
        return path.stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(path.parent)

    def abort_stale_uploads(self, older_than: timedelta) -> int:
        """Remove temp files a crashed writer left behind, once they are old enough."""
        cutoff = (clock.now() - older_than).timestamp()
        removed = 0
        for directory, _subdirs, names in os.walk(self.root):
            for name in names:
                temp = Path(directory) / name
                try:
                    stale = name.startswith(_TEMP_PREFIX) and temp.stat().st_mtime < cutoff
                except FileNotFoundError:  # its writer just finished or gave up
                    continue
                if stale:
                    temp.unlink(missing_ok=True)
                    removed += 1
        return removed

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        validate_prefix(prefix)
        start = self.root / prefix.rpartition("/")[0]
        for directory, subdirs, names in os.walk(start):
            subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                path = Path(directory) / name
                key = path.relative_to(self.root).as_posix()
                if not key.startswith(prefix):
                    continue
                try:
                    mtime = path.stat().st_mtime
                except FileNotFoundError:  # deleted while we walked
                    continue
                yield StoredObject(key, datetime.fromtimestamp(mtime, UTC))
