"""ASGI middleware: request body limits and one structured log line per request."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callwarden.kit.errors import CallwardenError, InvalidInput, NotFound, PayloadTooLarge
from callwarden.server.problems import internal_error_body

log = logging.getLogger("callwarden.access")

BodyLimit = Callable[[str], "Limit"]


@dataclass(frozen=True, slots=True)
class Limit:
    """The largest body a path takes; a streamed one is counted as it passes, never buffered."""

    max_bytes: int
    streamed: bool = False


class BodyLimitMiddleware:
    """Refuse bodies over the limit for their path, whether declared or streamed, with a 413.

    A declared length over the limit is refused before a byte is read. A buffered body (JSON) is
    read up to the limit and replayed to the app, so an over-long chunked body is refused before
    any handler runs. A streamed body (uploads) reaches its handler piece by piece; the piece
    that crosses the limit raises PayloadTooLarge inside the handler, which abandons the upload.
    Every refusal closes the connection: the rest of the body is never read, and a client still
    writing it sees the connection end (and then the 413) instead of waiting forever.
    """

    def __init__(self, app: ASGIApp, limit_for: BodyLimit) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit.max_bytes):
            await _send_413(send, scope, limit.max_bytes)
            return
        if limit.streamed:
            await _streamed(self.app, scope, receive, send, limit.max_bytes)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if len(body) > limit.max_bytes:
                await _send_413(send, scope, limit.max_bytes)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _streamed(app: ASGIApp, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """Pass a streamed body through, counting it; past the limit the app gets PayloadTooLarge."""
    seen, refused, started = 0, False, False

    async def counted() -> Message:
        nonlocal seen, refused
        if refused:
            raise _too_large(limit)
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                refused = True
                raise _too_large(limit)
        return message

    async def closing(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
            if refused:  # the unread rest of the body must not be taken for the next request
                message["headers"] = [*message.get("headers", []), (b"connection", b"close")]
        await send(message)

    try:
        await app(scope, counted, closing)
    except PayloadTooLarge:
        if started:
            raise
        await _send_413(send, scope, limit)


class NulGuardMiddleware:
    """No id or value holds a NUL character, and PostgreSQL cannot even compare one: an address
    with one names nothing (404), a query with one is refused (422), before a route queries.
    The API's paths only: JSON strings with one are refused by the request models, and the
    console's pages answer such requests with pages of their own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["type"] == "http" and scope["path"].startswith("/v1/")
        refusal = _nul_refusal(scope) if api else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps(refusal.to_problem(instance=scope["path"].replace("\x00", ""))).encode()
        await send(
            {
                "type": "http.response.start",
                "status": refusal.status,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _nul_refusal(scope: Scope) -> CallwardenError | None:
    if "\x00" in scope["path"]:
        return NotFound("nothing here: no address holds a NUL character")
    query = scope.get("query_string", b"").decode("latin-1")
    if "%00" in query or "\x00" in query:
        pairs = parse_qsl(query, keep_blank_values=True)
        if any("\x00" in name or "\x00" in value for name, value in pairs):
            return InvalidInput("a query parameter holds a NUL character, which no value may")
    return None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body is larger than the {limit}-byte limit")


def _wants_page(scope: Scope) -> bool:
    """A browser on a console page (not the API) is answered with a page it can show."""
    accept = dict(scope["headers"]).get(b"accept", b"")
    return not scope["path"].startswith("/v1/") and b"text/html" in accept


_TOO_LARGE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Too large · callwarden'
    "</title></head><body><h1>Too large</h1><p>What you sent is larger than the {limit}-byte "
    "limit, so it was not read. Go back and send a smaller one.</p>"
    '<p><a href="/home">Back to your home page</a></p></body></html>'
)


async def _send_413(send: Send, scope: Scope, limit: int) -> None:
    if _wants_page(scope):
        body = _TOO_LARGE_PAGE.format(limit=limit).encode()
        content_type = b"text/html; charset=utf-8"
    else:
        body = json.dumps(_too_large(limit).to_problem(instance=scope["path"])).encode()
        content_type = b"application/problem+json"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """One JSON log line per request with method, path, status, duration and a request id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")[:64]
        request_id = incoming or uuid.uuid4().hex
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                },
            )


class UnhandledErrorMiddleware:
    """Answer an unhandled error with a 500 problem and keep the connection usable.

    Starlette's outermost error handler answers 500 and then re-raises, and uvicorn closes a
    connection whose application raised after answering: the client's next request on that
    keep-alive connection then fails. Here the error ends with the answer. An error after the
    answer began (a stream cut short) still propagates: that connection cannot carry on.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            if started:
                raise
            log.error("unhandled error", exc_info=True, extra={"path": scope["path"]})
            body = json.dumps(internal_error_body(scope["path"])).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"application/problem+json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
