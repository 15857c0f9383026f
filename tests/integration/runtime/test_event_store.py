"""The event store on SQLite and PostgreSQL: append, load, optimistic concurrency, outbox atomicity."""

from __future__ import annotations

import asyncio

import pytest
from cantiere_runtime.schema import outbox
from cantiere_runtime.store import ConcurrencyError, EventStore
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


async def test_appended_events_load_back_in_order_with_their_metadata(engine: AsyncEngine) -> None:
    store = EventStore(engine, REGISTRY)
    version = await store.append("c-1", 0, [CounterTicked(n=1), CounterTicked(n=2)], context=context())
    version = await store.append("c-1", version, [CounterTicked(n=3)], context=context())
    loaded = await store.load("c-1")
    assert loaded.version == 3
    assert [r.event for r in loaded.events] == [CounterTicked(n=1), CounterTicked(n=2), CounterTicked(n=3)]
    assert [r.metadata.aggregate_version for r in loaded.events] == [1, 2, 3]
    assert loaded.events[0].metadata.actor is not None and loaded.events[0].metadata.actor.role == "social_worker"
    assert (await store.load("nobody")).version == 0


async def test_a_stale_expected_version_is_refused_with_a_concurrency_error(engine: AsyncEngine) -> None:
    store = EventStore(engine, REGISTRY)
    await store.append("c-1", 0, [CounterTicked(n=1)], context=context())
    with pytest.raises(ConcurrencyError, match="changed by someone else"):
        await store.append("c-1", 0, [CounterTicked(n=2)], context=context())
    assert (await store.load("c-1")).version == 1


async def test_of_concurrent_writers_on_one_aggregate_exactly_one_wins(engine: AsyncEngine) -> None:
    store = EventStore(engine, REGISTRY)
    await store.append("c-1", 0, [CounterTicked(n=0)], context=context())

    async def writer(n: int) -> bool:
        try:
            await store.append("c-1", 1, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())
            return True
        except ConcurrencyError:
            return False

    results = await asyncio.gather(*(writer(n) for n in range(1, 9)))
    assert results.count(True) == 1
    loaded = await store.load("c-1")
    assert loaded.version == 2
    async with engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(outbox)) == 1


async def test_public_events_are_queued_in_the_outbox_in_the_same_transaction(engine: AsyncEngine) -> None:
    store = EventStore(engine, REGISTRY)
    await store.append("c-1", 0, [CounterTicked(n=1)], [CounterTickedPublicly(n=1)], context=context())
    with pytest.raises(ConcurrencyError):
        await store.append("c-1", 0, [CounterTicked(n=9)], [CounterTickedPublicly(n=9)], context=context())
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox))).mappings().all()
    assert len(rows) == 1
    assert rows[0]["subject"] == "cantiere.public.referrals.testville.CounterTickedPublicly"
    assert rows[0]["headers"]["Nats-Msg-Id"] == rows[0]["event_id"]
    assert rows[0]["sent_at"] is None


async def test_an_unregistered_event_is_refused_before_anything_is_written(engine: AsyncEngine) -> None:
    from cantiere_events import Event

    class Stranger(Event):
        event_type = "Stranger"

    store = EventStore(engine, REGISTRY)
    with pytest.raises(ValueError, match="not registered"):
        await store.append("c-1", 0, [Stranger()], context=context())
    assert (await store.load("c-1")).version == 0


async def test_an_append_elsewhere_waits_for_a_transaction_that_locked_appends(engine: AsyncEngine) -> None:
    # A decision read on one aggregate and appended to another: news about the first cannot commit in between.
    store = EventStore(engine, REGISTRY)
    await store.append("person", 0, [CounterTicked(n=0)], context=context())
    order: list[str] = []
    async with engine.begin() as conn:
        await store.lock_appends(conn)
        assert len((await store.load("person", conn)).events) == 1  # the decision reads the person...
        news = asyncio.create_task(store.append("person", 1, [CounterTicked(n=1)], context=context()))
        news.add_done_callback(lambda _: order.append("news about the person"))
        await asyncio.sleep(0.3)
        assert not news.done()  # ...and nothing about the person commits before the decision does
        await store.append("host", 0, [CounterTicked(n=0)], context=context(), conn=conn)
        order.append("decision")
    await news
    assert order == ["decision", "news about the person"]


async def test_a_load_after_a_rolled_back_append_reads_what_was_stored_instead(engine: AsyncEngine) -> None:
    # The rolled-back event was loaded (and kept decoded) before the rollback; the event stored after it at
    # the same version, and on SQLite at the same position, is what the next load must return.
    store = EventStore(engine, REGISTRY)
    async with engine.connect() as conn:
        transaction = await conn.begin()
        await store.append("c-1", 0, [CounterTicked(n=1)], context=context(), conn=conn)
        assert [r.event for r in (await store.load("c-1", conn)).events] == [CounterTicked(n=1)]
        await transaction.rollback()
    await store.append("c-1", 0, [CounterTicked(n=2)], context=context())
    loaded = await store.load("c-1")
    assert [r.event for r in loaded.events] == [CounterTicked(n=2)]
    assert (await EventStore(engine, REGISTRY).load("c-1")).events[0].metadata == loaded.events[0].metadata
