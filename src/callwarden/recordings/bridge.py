"""Handing a request body from the event loop to the worker thread that seals and stores it.

The event loop keeps receiving (a producer task fills a bounded queue) while the worker seals
what has already arrived, so network, encryption and disk overlap instead of taking turns. The
worker takes everything queued in one hop, which keeps thread crossings few.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator

import anyio.from_thread

QUEUE_PIECES = 128
_END = object()


class BodyBridge:
    def __init__(self, stream: AsyncIterator[bytes]) -> None:
        self._stream = stream
        self._queue: asyncio.Queue[object] = asyncio.Queue(QUEUE_PIECES)
        self._task: asyncio.Task[None] | None = None

    async def _produce(self) -> None:
        try:
            async for piece in self._stream:
                if piece:
                    await self._queue.put(piece)
        except BaseException as error:  # a client that goes away mid-upload
            await self._queue.put(error)
            return
        await self._queue.put(_END)

    async def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._produce())

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(
                asyncio.CancelledError, Exception
            ):  # the upload already failed
                await self._task

    async def _batch(self) -> list[object]:
        items = [await self._queue.get()]
        while not self._queue.empty() and items[-1] is not _END:
            items.append(self._queue.get_nowait())
        return items

    def pieces(self) -> Iterator[bytes]:
        """The body as a plain iterator; runs in the worker thread."""
        while True:
            for item in anyio.from_thread.run(self._batch):
                if item is _END:
                    return
                if isinstance(item, BaseException):
                    raise item
                assert isinstance(item, bytes)
                yield item
