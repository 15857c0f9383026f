"""Pipelined JetStream publishes that keep the order of each key (an aggregate): one message in flight per key.

``publish_async`` sends without waiting for the acknowledgement, so many messages travel at once. Two
messages of the same aggregate must not: if the first were lost and retried after the second was stored,
the stream would hold them the wrong way round. An :class:`OrderedPublisher` therefore sends the next
message of a key only once the previous one was acknowledged, and other keys go on meanwhile.

After the first failure (an error from the server, a stalled client, no acknowledgement within the
timeout) nothing more is sent: the messages not acknowledged stay with the caller, to be sent again in
order, and ``Nats-Msg-Id`` lets JetStream drop the ones that did arrive.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from nats.js.api import PubAck
from nats.js.client import JetStreamContext


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to publish: ``ident`` names it to the caller, ``key`` is what orders it (the aggregate)."""

    ident: int
    key: str
    subject: str
    data: bytes
    headers: dict[str, str]


@dataclass(slots=True, eq=False)
class Batch:
    """Messages submitted together; ``acked`` gets (ident, stream sequence) as acknowledgements arrive."""

    remaining: int
    acked: list[tuple[int, int]] = field(default_factory=list)
    settled: asyncio.Event = field(default_factory=asyncio.Event)  # all acknowledged, or the publisher failed


class OrderedPublisher:
    """Publishes batches pipelined, one message in flight per key; use it for one round, then ``close`` it."""

    def __init__(self, js: JetStreamContext, *, ack_timeout: float) -> None:
        self._js = js
        self._ack_timeout = ack_timeout
        self._behind: dict[str, deque[tuple[Outgoing, Batch]]] = {}  # key in flight -> its next messages
        self._ready: deque[tuple[Outgoing, Batch]] = deque()  # their predecessor acknowledged: to send
        self._in_flight: set[asyncio.Future[PubAck]] = set()
        self._progress = asyncio.Event()  # a publish ended (acknowledged, refused, given up)
        self._acks = 0  # how many acknowledgements arrived: the sign of progress while a batch waits
        self._open: set[Batch] = set()  # batches not settled yet
        self._wake_pump = asyncio.Event()  # a message became ready to send
        self._pump: asyncio.Task[None] | None = None
        self.error: BaseException | None = None

    async def submit(self, messages: Iterable[Outgoing]) -> Batch:
        """Send what can go now (keys with nothing in flight); the rest follows as acknowledgements arrive."""
        items = [m for m in messages]
        batch = Batch(remaining=len(items))
        self._open.add(batch)
        if not items or self.error is not None:
            self._settle(batch)
        for message in items:
            if self.error is not None:
                break
            behind = self._behind.get(message.key)
            if behind is None:
                self._behind[message.key] = deque()
                await self._send(message, batch)
            else:
                behind.append((message, batch))
        if self._pump is None:
            self._pump = asyncio.create_task(self._send_ready())
        await asyncio.sleep(0)  # the connection's flusher writes them now, while the caller goes on (reads)
        return batch

    async def settle(self, batch: Batch) -> list[tuple[int, int]]:
        """Wait until every message of ``batch`` is acknowledged, or, after a failure, nothing is in flight.

        Returns the acknowledged (ident, stream sequence) pairs; a failure is then in ``error``.
        """
        while not batch.settled.is_set():
            acks = self._acks
            try:
                await asyncio.wait_for(batch.settled.wait(), self._ack_timeout)
            except TimeoutError:
                if self._acks == acks:  # nothing acknowledged for a whole timeout: JetStream is not answering
                    self._give_up()
        while self.error is not None and self._in_flight:  # the acknowledgements still on their way count
            await self._wait_progress()
        return batch.acked

    async def close(self) -> None:
        """Stop sending; acknowledgements still in flight are given up (their messages count as not sent)."""
        if self._pump is not None:
            self._pump.cancel()
            try:
                await self._pump
            except asyncio.CancelledError:
                pass
        for future in list(self._in_flight):
            future.cancel()

    async def _wait_progress(self) -> None:
        self._progress.clear()
        try:
            await asyncio.wait_for(self._progress.wait(), self._ack_timeout)
        except TimeoutError:
            self._give_up()

    def _give_up(self) -> None:
        self._fail(TimeoutError(f"no acknowledgement from JetStream in {self._ack_timeout}s"))
        for future in list(self._in_flight):
            future.cancel()

    async def _send(self, message: Outgoing, batch: Batch) -> None:
        try:
            # No wait_stall: with one, nats-py wraps every publish in a task and the loop turns between them,
            # so each message leaves in its own write. A stalled client shows as no progress in ``settle``.
            future = await self._js.publish_async(message.subject, message.data, headers=message.headers)
        except Exception as exc:  # a stalled client, a closed connection: nothing more goes out
            self._fail(exc)
            return
        self._in_flight.add(future)
        future.add_done_callback(partial(self._acknowledged, message, batch))

    def _acknowledged(self, message: Outgoing, batch: Batch, future: asyncio.Future[PubAck]) -> None:
        self._in_flight.discard(future)
        self._progress.set()
        if future.cancelled():
            self._fail(TimeoutError(f"no acknowledgement from JetStream in {self._ack_timeout}s"))
            return
        error = future.exception()
        if error is not None:
            self._fail(error)
            return
        batch.acked.append((message.ident, future.result().seq))
        self._acks += 1
        batch.remaining -= 1
        if not batch.remaining:
            self._settle(batch)
        behind = self._behind.get(message.key)
        if behind:
            self._ready.append(behind.popleft())
            self._wake_pump.set()
        elif behind is not None:
            del self._behind[message.key]

    async def _send_ready(self) -> None:
        while self.error is None:
            while self._ready and self.error is None:
                await self._send(*self._ready.popleft())
            self._wake_pump.clear()
            await self._wake_pump.wait()

    def _fail(self, error: BaseException) -> None:
        if self.error is None:
            self.error = error
        self._ready.clear()
        self._behind.clear()
        self._progress.set()
        self._wake_pump.set()
        for batch in list(self._open):
            self._settle(batch)

    def _settle(self, batch: Batch) -> None:
        self._open.discard(batch)
        batch.settled.set()
