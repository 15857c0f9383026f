"""The outbox relay against a real NATS: order per aggregate, no loss and no duplicate through crashes and outages."""

from __future__ import annotations

import asyncio
from collections import defaultdict

import nats
import pytest
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.store import EventStore
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import NatsUnderTest, fresh_streams

from .published import fill, stream_messages
from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


async def _stream_contents(url: str) -> list[tuple[str, str, int]]:
    """(event id, aggregate id, n) of every message in the public stream, in stream order."""
    return [(event_id, aggregate, n) for _, event_id, aggregate, n in await stream_messages(url)]


def _assert_once_and_in_order(contents: list[tuple[str, str, int]], aggregates: int, per_aggregate: int) -> None:
    ids = [c[0] for c in contents]
    assert len(ids) == len(set(ids)), "an event appears twice in the stream"
    assert len(ids) == aggregates * per_aggregate, "an event is missing from the stream"
    seen: dict[str, list[int]] = defaultdict(list)
    for _, agg, n in contents:
        seen[agg].append(n)
    assert all(ns == sorted(ns) for ns in seen.values()), "an aggregate's events are out of order"


async def test_the_relay_publishes_pending_events_once_in_order_and_marks_them_sent(
    engine: AsyncEngine, nc: nats.NATS, nats_url: str
) -> None:
    store = EventStore(engine, REGISTRY)
    await fill(store, aggregates=5, per_aggregate=4)
    relay = OutboxRelay(engine, nc)
    await relay.drain()
    assert await relay.pending() == 0
    _assert_once_and_in_order(await _stream_contents(nats_url), 5, 4)
    assert await relay.relay_once() == 0  # nothing left: nothing republished


async def test_a_crash_between_publish_and_marking_sent_neither_loses_nor_duplicates(
    engine: AsyncEngine, nc: nats.NATS, nats_url: str
) -> None:
    store = EventStore(engine, REGISTRY)
    await fill(store, aggregates=3, per_aggregate=3)

    class Crash(Exception):
        pass

    async def crash(_positions: list[int]) -> None:
        raise Crash

    with pytest.raises(Crash):
        await OutboxRelay(engine, nc, before_mark_sent=crash).relay_once()
    assert await OutboxRelay(engine, nc).pending() == 9  # published, but nothing marked sent
    await OutboxRelay(engine, nc).drain()  # a new process after the crash
    _assert_once_and_in_order(await _stream_contents(nats_url), 3, 3)


async def test_nats_stopped_and_restarted_during_a_relay_run_everything_arrives_once(
    engine: AsyncEngine, restartable_nats: NatsUnderTest
) -> None:
    await fresh_streams(restartable_nats.url)
    store = EventStore(engine, REGISTRY)
    nc = await nats.connect(restartable_nats.url, max_reconnect_attempts=-1, reconnect_time_wait=0.2)
    relay = OutboxRelay(engine, nc, ack_timeout=1.0, max_backoff=0.5)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    await fill(store, aggregates=4, per_aggregate=5)
    await asyncio.sleep(0.3)
    restartable_nats.stop()
    await fill(store, aggregates=4, per_aggregate=5, start=5)  # written while NATS is down
    await asyncio.sleep(1.0)
    restartable_nats.start()
    for _ in range(300):
        if await relay.pending() == 0:
            break
        await asyncio.sleep(0.1)
    stop.set()
    await task
    await nc.close()
    assert await relay.pending() == 0
    _assert_once_and_in_order(await _stream_contents(restartable_nats.url), 4, 10)


async def test_a_published_event_reads_as_a_cloudevent_with_the_sdk(
    engine: AsyncEngine, nc: nats.NATS, nats_url: str
) -> None:
    from cloudevents.core.bindings import http as ce_http

    store = EventStore(engine, REGISTRY)
    await store.append("c-7", 0, [CounterTicked(n=1)], [CounterTickedPublicly(n=1)], context=context())
    await OutboxRelay(engine, nc).drain()
    msg = await nc.jetstream().get_msg(PUBLIC_STREAM.name, 1)
    assert msg.headers is not None
    event = ce_http.from_binary_event(ce_http.HTTPMessage(headers=dict(msg.headers), body=msg.data))
    assert event.get_type() == "CounterTickedPublicly"
    assert event.get_source() == "/cantiere/referrals/testville"
    assert event.get_subject() == "c-7"
    assert str(event.get_id()) == msg.headers["Nats-Msg-Id"]
    assert event.get_extension("partner") == "testville"
    assert event.get_data() in ({"n": 1}, b'{"n":1}')


async def test_the_relay_goes_on_after_losing_its_database_connection(engine: AsyncEngine, nc: nats.NATS) -> None:
    # Found by tests/faults: pg_terminate_backend under load killed the relay task for good.
    from sqlalchemy.exc import OperationalError

    store = EventStore(engine, REGISTRY)
    await fill(store, aggregates=2, per_aggregate=2)
    relay = OutboxRelay(engine, nc, max_backoff=0.1)
    real_round, failures = relay._next_round, [1]

    async def lost_once() -> list[object]:
        if failures:
            failures.pop()
            raise OperationalError("SELECT ...", {}, Exception("server closed the connection unexpectedly"))
        return await real_round()

    relay._next_round = lost_once  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        for _ in range(100):
            if await relay.pending() == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
    assert not failures and await relay.pending() == 0
