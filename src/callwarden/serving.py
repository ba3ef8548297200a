"""One server per data directory and per address, refused before anything starts.

A second `make run` beside a running one used to get as far as binding the port and then fail
in a traceback, after printing the first-run output again. `serve` now claims the data
directory with an exclusive lock on `server.pid` (the operating system releases it however the
server ends, so a crashed server leaves nothing stale) and checks the address is free, and says
in one line what is already running.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path
from typing import IO

from callwarden.kit.errors import ConfigurationError, Conflict

LOCK_NAME = "server.pid"


class ServerLock:
    """The claim on a data directory while a server runs in it (released by `release`)."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle

    def release(self) -> None:
        self._handle.truncate(0)
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def claim_data_dir(data_dir: Path, address: str) -> ServerLock:
    """Lock `data_dir` for this server, or say which server already holds it."""
    handle = (data_dir / LOCK_NAME).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().split() or ["?", "an unknown address"]
        handle.close()
        raise Conflict(
            f"callwarden is already serving {data_dir.resolve()} (pid {holder[0]}, "
            f"{' '.join(holder[1:])}); stop it first"
        ) from None
    handle.truncate(0)
    handle.write(f"{os.getpid()} {address}\n")
    handle.flush()
    return ServerLock(handle)


def ensure_address_free(host: str, port: int) -> None:
    """Refuse to start when something already listens on host:port (checked as uvicorn binds)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise ConfigurationError(
                    f"cannot listen on {host}:{port}: {error.strerror}; "
                    "check CALLWARDEN_BIND_HOST and CALLWARDEN_BIND_PORT"
                ) from None
            raise Conflict(
                f"{host}:{port} is already in use (a callwarden server or another program); "
                "stop it or set CALLWARDEN_BIND_PORT"
            ) from None
