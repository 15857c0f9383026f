"""A projection fed by a durable JetStream pull consumer, with checkpoints, redelivery and dead letters."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

import structlog
from cantiere_events import ContractError, EventRegistry, decode
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_runtime.metrics import DEAD_LETTERS
from cantiere_runtime.projector import (
    Checkpoints,
    Progress,
    Projection,
    applied,
    apply_all,
    apply_once,
    bound_to,
    reset,
)
from cantiere_runtime.store import Recorded

log = structlog.get_logger("cantiere.projector")

DEAD_LETTER_PREFIX = "cantiere.deadletter"


def recorded_from(msg: Msg, registry: EventRegistry) -> Recorded:
    """A received message as a recorded event, positioned at its stream sequence."""
    envelope = decode(msg.data, msg.headers, registry)
    return Recorded(envelope.payload, envelope.metadata, msg.metadata.sequence.stream)


class ProjectionBlocked(RuntimeError):
    """A fail-closed projection cannot apply an event and will not move past it."""

    def __init__(self, projection: str, stream_sequence: int) -> None:
        super().__init__(
            f"projection {projection} is blocked at stream sequence {stream_sequence}: "
            "it cannot apply that event and must not skip it; fix the cause, then run again"
        )
        self.projection, self.stream_sequence = projection, stream_sequence


async def _pause(seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep, but wake as soon as ``stop`` is set."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


class DeliveryGap(RuntimeError):
    """A message the consumer delivered to this process never arrived (a connection lost on the way)."""

    def __init__(self, projection: str, expected: int, received: int, handled: int) -> None:
        super().__init__(
            f"projection {projection} expected delivery {expected} of its consumer and received {received}: "
            "it starts again from its checkpoint instead of applying past a message it never saw"
        )
        self.projection, self.expected, self.received = projection, expected, received
        self.handled = handled  # messages handled before the hole


def _log_gap(gap: DeliveryGap) -> None:
    log.warning("projector_delivery_gap", projection=gap.projection, expected=gap.expected, received=gap.received)


def in_sequence(msgs: Sequence[Msg], delivered: int) -> int:
    """How many of ``msgs`` follow the consumer's deliveries up to ``delivered`` without a hole.

    The consumer numbers every delivery (redeliveries too) one after the other, so deliveries that all
    reached this process arrive numbered 1, 2, 3, ... A hole means one was lost on the way (its pull
    request died with a connection, or the client dropped it as a slow consumer); a step back means the
    consumer's state went back (a new consumer leader behind the old one). Applying past either would let
    the checkpoint move past a message this process never applied, which would then be skipped for good.
    """
    for index, msg in enumerate(msgs):
        if msg.metadata.sequence.consumer != delivered + 1:
            return index
        delivered += 1
    return len(msgs)


def _safe_reason(exc: BaseException) -> str:
    # Contract errors are written to say what is wrong without echoing values; anything
    # else might carry payload content, so only its type crosses into logs and headers.
    return str(exc)[:300] if isinstance(exc, ContractError) else type(exc).__name__


ARRIVED_LINGER = 0.005  # seconds a fetch of what already arrived waits when nothing more has


@dataclass
class StreamProjector:
    """Keeps one projection up to date from a stream; ``run`` until stopped, ``rebuild`` from the start."""

    engine: AsyncEngine
    nc: Client
    registry: EventRegistry
    projection: Projection
    stream: str
    subjects: Sequence[str]
    durable: str
    max_deliver: int = 5
    batch_size: int = 1000  # messages fetched, applied in one transaction with one checkpoint, then acked
    ack_wait: float = 30.0
    fetch_timeout: float = 1.0
    retry_delay: float = 0.05
    max_retry_delay: float = 5.0
    metric_labels: tuple[str, str] = ("", "")  # service, partner
    # Told after each commit that applied something (a projection that appends commands, as the placements
    # intake does, has the relay and the local projector woken then).
    committed: Callable[[], None] = field(default=lambda: None)
    applied: int = field(default=0, init=False)
    dead_lettered: int = field(default=0, init=False)
    # The stream sequence a fail-closed projection is stopped at (None while it flows).
    blocked_at: int | None = field(default=None, init=False)
    # The consumer's delivery number of the last message received since the consumer was (re)created.
    _delivered: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.js = self.nc.jetstream()

    async def _ensure_consumer(self, *, from_start: bool = False) -> None:
        """(Re)create the durable at the stored checkpoint + 1: delivery in stream order from what is committed.

        The durable's own delivery state is not the projection's. Messages delivered to a process that
        died (fetched and not yet committed, or sent to a pull request it still had open) come back only
        after ``ack_wait``, behind later ones; by then the checkpoint has moved past them and they would
        be skipped for good. So every start (process start, NATS back, consumer lost) creates the consumer
        again from the checkpoint, which also gives it the projection's current subjects (an upgrade).
        Subjects added this way are read only after the checkpoint: rebuild to read them from the start.
        """
        try:
            await self.js.delete_consumer(self.stream, self.durable)
        except NotFoundError:
            pass
        checkpoint = 0 if from_start else await Checkpoints(self.engine).get(self.projection.name)
        # With a name and a single filter, nats-py uses $JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>,
        # which lets NATS permissions pin each service to its own durable and filter (deploy/nats).
        single = len(self.subjects) == 1
        config = ConsumerConfig(
            name=self.durable,
            durable_name=self.durable,
            ack_policy=AckPolicy.EXPLICIT,
            ack_wait=self.ack_wait,
            max_deliver=-1,  # the projector decides when a message is dead (see _one_by_one)
            max_ack_pending=self.batch_size * 2,
            filter_subject=self.subjects[0] if single else None,
            filter_subjects=None if single else list(self.subjects),
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE if checkpoint else DeliverPolicy.ALL,
            opt_start_seq=checkpoint + 1 if checkpoint else None,
        )
        await self.js.add_consumer(self.stream, config)
        self._delivered = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Consume and apply until ``stop`` is set; resumes from the stored checkpoint.

        Whatever interrupts consuming (NATS gone or restarted, the consumer deleted, the database
        unreachable) is logged and consuming starts again after a growing pause: a projection that
        silently stopped would look healthy while nothing is applied.
        """
        pause = self.retry_delay
        while not stop.is_set():
            try:
                await self._consume(stop)
            except DeliveryGap as gap:  # consumed again from the checkpoint at once
                _log_gap(gap)
            except Exception as exc:
                log.error("projector_interrupted", projection=self.projection.name, reason=type(exc).__name__)
                await _pause(pause, stop)
                pause = min(self.max_retry_delay, pause * 2)
            else:
                pause = self.retry_delay

    async def _consume(self, stop: asyncio.Event) -> None:
        await self._ensure_consumer()
        sub = await self.js.pull_subscribe_bind(self.durable, self.stream)
        try:
            while not stop.is_set():
                msgs = await self._arrivals(sub)
                if msgs:
                    await self._delivered_batch(msgs, stop)
        finally:
            with contextlib.suppress(Exception):
                await sub.unsubscribe()

    async def _delivered_batch(self, msgs: Sequence[Msg], stop: asyncio.Event | None = None) -> int:
        """Handle what arrived up to a hole in the consumer's deliveries (``in_sequence``), and raise
        ``DeliveryGap`` at the hole: the caller starts again from the checkpoint."""
        whole = in_sequence(msgs, self._delivered)
        handled = await self.handle(msgs[:whole], stop) if whole else 0
        self._delivered += whole
        if whole < len(msgs):
            received = msgs[whole].metadata.sequence.consumer
            raise DeliveryGap(self.projection.name, self._delivered + 1, received, handled)
        return handled

    async def catch_up(self, progress: Progress | None = None) -> int:
        """Apply everything pending now, then return how many messages were handled.

        A hole in the consumer's deliveries starts the catch-up again from the checkpoint.
        """
        done = 0
        while True:
            try:
                return done + await self._catch_up(progress, done)
            except DeliveryGap as gap:
                done += gap.handled
                _log_gap(gap)

    async def _catch_up(self, progress: Progress | None, done: int) -> int:
        """One pass of ``catch_up`` from the checkpoint (``done``: handled by the passes before it).

        While one batch is applied, the next is already being fetched (at most two batches are out:
        the consumer's ``max_ack_pending``), and batches are applied strictly in the order fetched. The
        consumer is asked how much is pending only at the start and when a batch suggests the end (its
        last message says nothing is pending behind it, or nothing came), after that batch's acks.
        """
        await self._ensure_consumer()
        sub = await self.js.pull_subscribe_bind(self.durable, self.stream)
        info = await self.js.consumer_info(self.stream, self.durable)
        total = done + info.num_pending + info.num_ack_pending
        handled = 0
        next_batch = asyncio.ensure_future(self._fetch(sub)) if total > done else None
        try:
            while next_batch is not None:
                msgs = await next_batch
                next_batch = None
                more = bool(msgs) and msgs[-1].metadata.num_pending > 0
                if more:
                    next_batch = asyncio.ensure_future(self._fetch(sub))
                if msgs:
                    try:
                        handled += await self._delivered_batch(msgs)
                    except DeliveryGap as gap:
                        gap.handled += handled
                        raise
                    if progress:
                        progress(done + handled, total)
                if not more and await self._pending():
                    next_batch = asyncio.ensure_future(self._fetch(sub))
        finally:
            if next_batch is not None:
                next_batch.cancel()
                with contextlib.suppress(BaseException):
                    await next_batch
            await sub.unsubscribe()
        return handled

    async def _arrivals(self, sub: JetStreamContext.PullSubscription) -> list[Msg]:
        """The next message as soon as it arrives, with whatever else is there by then (up to a batch).

        One ``fetch`` of a whole batch would wait, once a first message came, for the batch to fill or its
        timeout to pass: a second of latency for every event of a quiet programme.
        """
        try:
            first = await sub.fetch(1, timeout=self.fetch_timeout)
        except TimeoutError:
            return []
        if self.batch_size == 1:
            return first
        try:
            return first + await sub.fetch(self.batch_size - 1, timeout=ARRIVED_LINGER)
        except TimeoutError:
            return first

    async def _fetch(self, sub: JetStreamContext.PullSubscription) -> list[Msg]:
        try:
            return await sub.fetch(self.batch_size, timeout=self.fetch_timeout)
        except TimeoutError:
            return []

    async def _pending(self) -> bool:
        info = await self.js.consumer_info(self.stream, self.durable)
        return info.num_pending > 0 or info.num_ack_pending > 0

    async def rebuild(self, progress: Progress | None = None) -> int:
        """Drop the projection and replay its subjects from the start of the stream (stop ``run`` first)."""
        try:
            await self.js.delete_consumer(self.stream, self.durable)
        except NotFoundError:
            pass
        await reset(self.engine, self.projection)
        await self._ensure_consumer(from_start=True)
        return await self.catch_up(progress)

    async def handle(self, msgs: Sequence[Msg], stop: asyncio.Event | None = None) -> int:
        """Apply a fetched batch in one transaction with one checkpoint, commit, then ack every message.

        Messages at or below the stored checkpoint (read inside the transaction) are acked and skipped
        without being decoded. On any failure (decoding, applying, committing) nothing of the batch is
        kept, and the batch is applied again one message at a time, where retries, dead letters and
        fail-closed stops happen.
        """
        try:
            async with self.engine.begin() as conn:
                checkpoint = await Checkpoints(self.engine).get(self.projection.name, conn)
                fresh = [recorded_from(msg, self.registry) for msg in msgs if msg.metadata.sequence.stream > checkpoint]
                await apply_all(conn, self.projection, fresh)
                await Checkpoints.set(conn, self.projection.name, fresh[-1].position if fresh else checkpoint)
        except Exception:
            return await self._one_by_one(msgs, stop)
        self.applied += len(fresh)
        if fresh:
            self.committed()
        self.blocked_at = None
        for msg in msgs:
            await msg.ack()
        await self.nc.flush()
        return len(msgs)

    async def _one_by_one(self, msgs: Sequence[Msg], stop: asyncio.Event | None) -> int:
        # The batch is held while a message is retried in place. Nak'ing it and the messages after
        # it would let the server redeliver them in another order (a nak'd message joins the back
        # of the redelivery queue), and the checkpoint would then skip the earlier one for good.
        for index, msg in enumerate(msgs):
            if not await self._apply_held(msg, msgs[index:], stop):
                return index
        return len(msgs)

    async def _apply_held(self, msg: Msg, held: Sequence[Msg], stop: asyncio.Event | None) -> bool:
        """Apply (or dead-letter) one message, retrying in place; False when stopped meanwhile (``held`` nak'd)."""
        attempt, held_since = msg.metadata.num_delivered, time.monotonic()
        while True:
            try:
                recorded = recorded_from(msg, self.registry)
                with bound_to(recorded):
                    if await apply_once(self.engine, self.projection, recorded):
                        self.applied += 1
                        applied(self.projection.name, recorded)
                        self.committed()
                await msg.ack_sync()
                self.blocked_at = None
                return True
            except Exception as exc:
                if attempt >= self.max_deliver and self._may_skip(msg):
                    await self._dead_letter(msg, exc, attempt)
                    return True
                blocked = attempt >= self.max_deliver
                await self._report_failure(msg, exc, attempt, blocked)
                if (stop is not None and stop.is_set()) or (stop is None and blocked):
                    await self._release(held)
                    if stop is None:
                        raise ProjectionBlocked(self.projection.name, msg.metadata.sequence.stream) from exc
                    return False
            await _pause(min(self.max_retry_delay, self.retry_delay * 2**attempt), stop)
            if time.monotonic() - held_since > self.ack_wait / 3:
                for later in held:  # still working on them: no redelivery meanwhile
                    await later.in_progress()
                held_since = time.monotonic()
            attempt += 1

    async def _report_failure(self, msg: Msg, exc: BaseException, attempt: int, blocked: bool) -> None:
        seq = msg.metadata.sequence.stream
        if blocked and self.blocked_at != seq:
            self.blocked_at = seq
            async with self.engine.begin() as conn:  # so every process on the database sees it
                await Checkpoints.block(conn, self.projection.name, seq)
        (log.error if blocked else log.warning)(
            "projection_blocked" if blocked else "projection_retry",
            projection=self.projection.name,
            stream_sequence=seq,
            delivered=attempt,
            reason=_safe_reason(exc),
        )

    async def _release(self, held: Sequence[Msg]) -> None:
        # Nak'd together, in stream order, they are redelivered in that order to the next run.
        for msg in held:
            await msg.nak()
        await self.nc.flush()

    def _may_skip(self, msg: Msg) -> bool:
        # A fail-closed projection (safety constraints, consent, erasure) never moves past an
        # event it cannot apply, not even one it cannot decode: a safety constraint published
        # in a version this service does not know yet must stop the intake (loudly, until this
        # service is upgraded), not be set aside while the person stays placeable. A projection
        # may name the event types it fails closed on (``fail_closed_types``): the type is read
        # from the subject, which even a message nobody can decode carries.
        if not getattr(self.projection, "fail_closed", False):
            return True
        only: Collection[str] | None = getattr(self.projection, "fail_closed_types", None)
        return only is not None and msg.subject.rsplit(".", 1)[-1] not in only

    async def _dead_letter(self, msg: Msg, exc: BaseException, attempts: int) -> None:
        seq = msg.metadata.sequence.stream
        headers = dict(msg.headers or {})
        headers.update(
            {
                "Cantiere-Dead-Projection": self.projection.name,
                "Cantiere-Dead-Subject": msg.subject,
                "Cantiere-Dead-Stream-Sequence": str(seq),
                "Cantiere-Dead-Reason": _safe_reason(exc),
            }
        )
        await self.js.publish(f"{DEAD_LETTER_PREFIX}.{self.durable}", msg.data, headers=headers)
        async with self.engine.begin() as conn:
            await Checkpoints.set(conn, self.projection.name, seq)
        await msg.ack_sync()
        self.dead_lettered += 1
        DEAD_LETTERS.labels(*self.metric_labels, self.projection.name).inc()
        log.error(
            "projection_dead_letter",
            projection=self.projection.name,
            stream=self.stream,
            stream_sequence=seq,
            delivered=attempts,
            reason=_safe_reason(exc),
        )
