"""The outbox relay: publishes pending public events to JetStream, in order per aggregate, exactly once in the stream.

A round reads the unsent outbox in windows of ``batch_size`` rows in position order (up to
``windows_per_round`` windows, the first one smaller), reading the next window while the current one
publishes. Publishes are
pipelined (``publish_async``) through an :class:`~cantiere_runtime.ordered_publish.OrderedPublisher`,
which keeps one message in flight per aggregate: a later event of an aggregate is published only after
the earlier one was acknowledged, so the stream holds each aggregate's events in order even when a
publish is lost half-way. Each window's acknowledged rows are marked sent in one statement.
``Nats-Msg-Id`` is the event id: republishing after a crash between the ack and the mark-as-sent is
dropped by JetStream as a duplicate.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog
from nats.aio.client import Client
from nats.errors import Error as NatsError
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_runtime.db import READ_ONLY
from cantiere_runtime.metrics import PUBLISHED
from cantiere_runtime.ordered_publish import Batch, OrderedPublisher, Outgoing
from cantiere_runtime.relay_sql import RelayStatements
from cantiere_runtime.schema import outbox

log = structlog.get_logger("cantiere.relay")

Clock = Callable[[], datetime]

FIRST_WINDOW = 100


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OutboxRelay:
    """Moves the outbox to JetStream; run it as a background task of the service."""

    def __init__(
        self,
        engine: AsyncEngine,
        nc: Client,
        *,
        batch_size: int = 1000,
        windows_per_round: int = 10,
        idle_interval: float = 0.2,
        ack_timeout: float = 5.0,
        max_backoff: float = 5.0,
        clock: Clock = _utcnow,
        before_mark_sent: Callable[[list[int]], Awaitable[None]] | None = None,
        metric_labels: tuple[str, str] = ("", ""),
    ) -> None:
        self.engine = engine
        # At most two windows are in flight: nats-py's own limit on pending publishes must never be what waits.
        self.js = nc.jetstream(timeout=ack_timeout, publish_async_max_pending=max(4000, 2 * batch_size))
        self.batch_size = batch_size
        self.windows_per_round = windows_per_round
        # A small first window: publishing starts after reading 100 rows, not 1,000, and the rest is read meanwhile.
        self._first_window = min(batch_size, FIRST_WINDOW)
        self.idle_interval = idle_interval
        self.ack_timeout = ack_timeout
        self.max_backoff = max_backoff
        self.clock = clock
        self._before_mark_sent = before_mark_sent  # a seam for crash tests
        self._wake = asyncio.Event()
        self._sql: RelayStatements | None = None
        self.published = 0
        self._published_metric = PUBLISHED.labels(*metric_labels)  # service, partner

    def notify(self) -> None:
        """Wake the relay now (called after a commit that queued events)."""
        self._wake.set()

    async def pending(self) -> int:
        """How many events wait in the outbox."""
        async with self.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).where(outbox.c.sent_at.is_(None))) or 0)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Relay until ``stop`` is set; retries with capped exponential backoff while NATS is unreachable."""
        stop = stop or asyncio.Event()
        failures = 0
        while not stop.is_set():
            try:
                sent = await self.relay_once()
                failures = 0
            # A lost database connection (PostgreSQL restarted, failed over) is retried like NATS:
            # a relay task that died on it would leave the outbox unsent until the process restarts.
            # The window statements go straight to the driver, so its own errors come unwrapped.
            except (NatsError, TimeoutError, OSError, DBAPIError, self._statements.driver_error) as exc:
                failures += 1
                delay = min(self.max_backoff, 0.1 * 2**failures) * (0.5 + random.random() / 2)
                log.warning("relay_publish_failed", error=str(exc) or type(exc).__name__, retry_in=round(delay, 2))
                await _sleep_or(stop, delay)
                continue
            if sent == 0:
                self._wake.clear()
                await _wait_any(stop, self._wake, self.idle_interval)

    async def relay_once(self) -> int:
        """One round: publish up to ``windows_per_round`` windows of pending events; returns how many were acknowledged.

        Raises the first publish failure after marking what was acknowledged; the rest stays unsent for
        the next round, which starts again from the earliest unsent position.
        """
        rows = await self._next_round()
        if not rows:
            return 0
        publisher = OrderedPublisher(self.js, ack_timeout=self.ack_timeout)
        in_flight: deque[Batch] = deque()
        sent, windows = 0, 1
        try:
            while rows:
                in_flight.append(await publisher.submit(rows))
                full = len(rows) == (self._first_window if windows == 1 else self.batch_size)
                more = full and windows < self.windows_per_round and publisher.error is None
                rows = await self._next_window(after=rows[-1].ident, size=self.batch_size) if more else []
                windows += 1
                # One window publishes while the next is read and submitted; the older one is settled and marked.
                while len(in_flight) > (1 if rows else 0):
                    sent += await self._settle_and_mark(publisher, in_flight.popleft())
                if publisher.error is not None:
                    while in_flight:  # what was acknowledged before the failure is marked, in every window
                        sent += await self._settle_and_mark(publisher, in_flight.popleft())
                    raise publisher.error
        finally:
            await publisher.close()
        return sent

    async def _settle_and_mark(self, publisher: OrderedPublisher, batch: Batch) -> int:
        acked = await publisher.settle(batch)
        if acked:
            if self._before_mark_sent is not None:
                await self._before_mark_sent([p for p, _ in acked])
            await self._mark_sent(acked)
            self.published += len(acked)
            self._published_metric.inc(len(acked))
        return len(acked)

    async def drain(self, timeout: float = 30.0) -> None:
        """Relay until the outbox is empty (tests, shutdown, benchmarks)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self.relay_once() or await self.pending():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"outbox not drained in {timeout}s")

    async def _next_round(self) -> list[Outgoing]:
        """The first window of a round: the earliest unsent rows."""
        return await self._next_window(after=0, size=self._first_window)

    async def _next_window(self, after: int, size: int) -> list[Outgoing]:
        async with self.engine.connect() as conn:
            await conn.execution_options(**READ_ONLY)
            return await self._statements.read_window(conn, after, size)

    async def _mark_sent(self, acked: list[tuple[int, int]]) -> None:
        """One statement for a window: (position, stream sequence) pairs, sent now."""
        async with self.engine.begin() as conn:
            await self._statements.mark_sent(conn, acked, self.clock())

    @property
    def _statements(self) -> RelayStatements:
        if self._sql is None:
            self._sql = RelayStatements.for_dialect(self.engine.dialect)
        return self._sql


async def _sleep_or(stop: asyncio.Event, delay: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), delay)
    except TimeoutError:
        pass


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waiters:
            w.cancel()
