"""The outbox relay: publishes pending public events to JetStream, in order per aggregate, exactly once in the stream.

Each round takes, for every aggregate with pending events, only its earliest one,
and publishes the round pipelined (``publish_async``). A later event of an
aggregate is published only after the earlier one was acknowledged, so the
stream holds each aggregate's events in order even when a publish is lost
half-way. ``Nats-Msg-Id`` is the event id: republishing after a crash between
the ack and the mark-as-sent is dropped by JetStream as a duplicate.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import structlog
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import PubAck
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_runtime.metrics import PUBLISHED
from cantiere_runtime.schema import outbox

log = structlog.get_logger("cantiere.relay")

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class OutboxRelay:
    """Moves the outbox to JetStream; run it as a background task of the service."""

    def __init__(
        self,
        engine: AsyncEngine,
        nc: Client,
        *,
        batch_size: int = 500,
        idle_interval: float = 0.2,
        ack_timeout: float = 5.0,
        max_backoff: float = 5.0,
        clock: Clock = _utcnow,
        before_mark_sent: Callable[[list[int]], Awaitable[None]] | None = None,
        metric_labels: tuple[str, str] = ("", ""),
    ) -> None:
        self.engine = engine
        self.js = nc.jetstream(timeout=ack_timeout)
        self.batch_size = batch_size
        self.idle_interval = idle_interval
        self.ack_timeout = ack_timeout
        self.max_backoff = max_backoff
        self.clock = clock
        self._before_mark_sent = before_mark_sent  # a seam for crash tests
        self._wake = asyncio.Event()
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
            except (NatsError, TimeoutError, OSError, DBAPIError) as exc:
                failures += 1
                delay = min(self.max_backoff, 0.1 * 2**failures) * (0.5 + random.random() / 2)
                log.warning("relay_publish_failed", error=str(exc) or type(exc).__name__, retry_in=round(delay, 2))
                await _sleep_or(stop, delay)
                continue
            if sent == 0:
                self._wake.clear()
                await _wait_any(stop, self._wake, self.idle_interval)

    async def relay_once(self) -> int:
        """One round: publish the earliest pending event of each aggregate; returns how many were acknowledged."""
        rows = await self._next_round()
        if not rows:
            return 0
        futures = [
            await self.js.publish_async(row.subject, row.data, headers=dict(row.headers), wait_stall=self.ack_timeout)
            for row in rows
        ]
        results = await asyncio.gather(
            *(asyncio.wait_for(f, self.ack_timeout) for f in futures), return_exceptions=True
        )
        acked: list[tuple[int, int]] = []
        first_error: BaseException | None = None
        for row, result in zip(rows, results, strict=True):
            if isinstance(result, PubAck):
                acked.append((row.position, result.seq))
            elif first_error is None:
                first_error = result if isinstance(result, BaseException) else RuntimeError(str(result))
        if acked:
            if self._before_mark_sent is not None:
                await self._before_mark_sent([p for p, _ in acked])
            await self._mark_sent(acked)
            self.published += len(acked)
            self._published_metric.inc(len(acked))
        if first_error is not None:
            raise first_error
        return len(acked)

    async def drain(self, timeout: float = 30.0) -> None:
        """Relay until the outbox is empty (tests, shutdown, benchmarks)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while await self.relay_once() or await self.pending():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"outbox not drained in {timeout}s")

    async def _next_round(self) -> list[Any]:
        first = (
            select(outbox.c.aggregate_id, func.min(outbox.c.position).label("position"))
            .where(outbox.c.sent_at.is_(None))
            .group_by(outbox.c.aggregate_id)
            .subquery()
        )
        query = (
            select(outbox.c.position, outbox.c.subject, outbox.c.headers, outbox.c.data)
            .join(first, outbox.c.position == first.c.position)
            .order_by(outbox.c.position)
            .limit(self.batch_size)
        )
        async with self.engine.connect() as conn:
            return list((await conn.execute(query)).all())

    async def _mark_sent(self, acked: list[tuple[int, int]]) -> None:
        now = self.clock()
        statement = (
            update(outbox)
            .where(outbox.c.position == bindparam("p"))
            .values(sent_at=now, stream_sequence=bindparam("seq"))
        )
        async with self.engine.begin() as conn:
            await conn.execute(statement, [{"p": position, "seq": seq} for position, seq in acked])


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
