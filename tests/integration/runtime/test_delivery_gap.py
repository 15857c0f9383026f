"""A message delivered to a projector but lost on the way is applied, not skipped behind the later ones.

A connection that dies with a pull request open (a cluster node killed under the process, say) loses what
the server had sent on it; the server sends it again only after ``ack_wait``, behind later messages. Found by
tests/faults/test_cluster_failover in CI: monitoring's live read model missed events its rebuild had.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import nats
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.store import EventStore
from cantiere_runtime.stream_projector import StreamProjector, in_sequence
from nats.aio.msg import Msg
from sqlalchemy.ext.asyncio import AsyncEngine

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, TicksPerCounter, context, read_metadata, read_ticks
from .test_projector import SUBJECTS

DURABLE = "test-gap"


def _delivery(stream_sequence: int, consumer_sequence: int) -> Msg:
    return Msg(None, subject="s", reply=f"$JS.ACK.S.{DURABLE}.1.{stream_sequence}.{consumer_sequence}.0.0")  # type: ignore[arg-type]


def test_deliveries_are_whole_up_to_the_first_hole_or_step_back() -> None:
    numbered = [_delivery(10 + n, n) for n in (4, 5, 7, 8)]
    assert in_sequence(numbered, 3) == 2  # 6 never arrived
    assert in_sequence(numbered[:2], 3) == 2
    assert in_sequence(numbered, 4) == 0  # 4 again: the consumer went back
    assert in_sequence([], 9) == 0


async def _until(check: Callable[[], Awaitable[bool]], what: str, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def test_a_delivery_lost_on_the_way_is_applied_and_not_skipped_behind_later_ones(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)
    store, relay, js = EventStore(engine, REGISTRY), OutboxRelay(engine, nc), nc.jetstream()

    async def tick(n: int) -> None:
        await store.append("c-0", n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())
        await relay.drain()

    async def ticks() -> int:
        async with engine.connect() as conn:
            return (await read_ticks(conn)).get("c-0", (0, 0))[0]

    async def waiting(count: int) -> bool:
        try:
            return (await js.consumer_info(PUBLIC_STREAM.name, DURABLE)).num_waiting == count
        except nats.js.errors.NotFoundError:
            return False

    projector = StreamProjector(
        engine=engine,
        nc=nc,
        registry=REGISTRY,
        projection=TicksPerCounter(),
        stream=PUBLIC_STREAM.name,
        subjects=SUBJECTS,
        durable=DURABLE,
        ack_wait=1.0,
        fetch_timeout=30.0,  # its pull request stays open: the server serves open requests in the order made
    )
    running = asyncio.create_task(projector.run(asyncio.Event()))
    try:
        await tick(0)
        await _until(lambda: _equal(ticks, 1), "the first tick applied")
        await _until(lambda: waiting(1), "the projector's next pull request")
        # A second pull request on the same consumer stands for the projector's connection that died: what
        # the server sends to it never reaches the projector.
        lost = await js.pull_subscribe_bind(DURABLE, PUBLIC_STREAM.name)
        taken = asyncio.create_task(lost.fetch(1, timeout=30))
        await _until(lambda: waiting(2), "the lost request queued behind the projector's")
        await tick(1)  # to the projector, which asks again behind the lost request
        await _until(lambda: _equal(ticks, 2), "the second tick applied")
        await _until(lambda: waiting(2), "the projector's request queued behind the lost one")
        await tick(2)  # to the lost request
        assert [m.metadata.sequence.stream for m in await taken] == [3]
        await tick(3)  # to the projector, which never saw the third
        await _until(lambda: _equal(ticks, 4), "every tick applied, the lost one included", seconds=15)
        await asyncio.sleep(1.5)  # past ack_wait: nothing is left to come again, nothing counted twice
        assert await ticks() == 4
    finally:
        running.cancel()  # it waits in a 30 s pull request: not worth waiting for it to see a stop
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def _equal(value: Callable[[], Awaitable[int]], expected: int) -> bool:
    return await value() == expected
