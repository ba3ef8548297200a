"""Real servers on loopback ports, for tests that need real sockets: a `callwarden serve`
process (`ServeProcess`), or the app under uvicorn in a thread (`serving`), for keep-alive reuse
and schemathesis over HTTP, which the in-process test client has no connections for.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from callwarden.bootstrap import initialise
from callwarden.config import Settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ServeProcess:
    """`callwarden serve` on its own data directory and the given database."""

    data_dir: Path
    database_url: str
    settings: dict[str, str] = field(default_factory=dict)  # extra CALLWARDEN_* variables
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def initialise(self) -> None:
        """Schema, admin, example policy and key ring, as `callwarden init` does."""
        initialise(
            Settings(data_dir=self.data_dir, database_url=self.database_url, log_format="text")
        )

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CALLWARDEN_")}
        env |= {
            "CALLWARDEN_DATA_DIR": str(self.data_dir),
            "CALLWARDEN_DATABASE_URL": self.database_url,
            "CALLWARDEN_BIND_PORT": str(self.port),
            "CALLWARDEN_LOG_LEVEL": "error",
            "CALLWARDEN_JOBS_IN_PROCESS": "false",
        } | {f"CALLWARDEN_{name.upper()}": value for name, value in self.settings.items()}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "callwarden", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=0.5).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("callwarden serve did not come up")

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def stop(self) -> None:
        """Make sure the process is gone (SIGKILL if it is still there)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=30)


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields the base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise AssertionError("the test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(20)
        listener.close()
