"""A real SMTP server on loopback (aiosmtpd) for the mail tests: it keeps what it received,
can refuse chosen recipients, and can be stopped and started again on the same port to play a
mail server that is down."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from callwarden.config import Settings

LOOPBACK = "127.0.0.1"
DOMAIN = "example.test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _parse(content: bytes) -> EmailMessage:
    parsed = message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage  # parsed with the modern policy: headers unfolded, body decoded


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refused:
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else b""
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), _parse(content)))
        return "250 accepted"


class SmtpServer:
    """Start with `start()`, stop with `stop()`; `received` survives a restart."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self._controller = Controller(self.handler, hostname=LOOPBACK, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self, base: Settings) -> Settings:
        """`base` pointed at this server, plain SMTP (loopback only), people at DOMAIN."""
        return base.model_copy(
            update={
                "smtp_host": LOOPBACK,
                "smtp_port": self.port,
                "smtp_tls": "none",
                "smtp_recipient_domain": DOMAIN,
                "smtp_timeout_seconds": 5.0,
                "public_base_url": "https://callwarden.example.test",
            }
        )
