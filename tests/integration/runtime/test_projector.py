"""Projectors against a real NATS: exactly-once application, resume, rebuild, dead letters; and local projections."""

from __future__ import annotations

import asyncio

import nats
import pytest
from cantiere_events import Producer
from cantiere_runtime.bus import DEAD_LETTER_STREAM, PUBLIC_STREAM
from cantiere_runtime.projector import Checkpoints, LocalProjector
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.store import EventStore
from cantiere_runtime.stream_projector import StreamProjector
from sqlalchemy import Column, Integer, MetaData, Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, TicksPerCounter, context, read_metadata, read_ticks

SUBJECTS = [f"cantiere.public.{Producer.REFERRALS.value}.*.CounterTickedPublicly"]


async def _published(engine: AsyncEngine, nc: nats.NATS, aggregates: int, per_aggregate: int) -> None:
    store = EventStore(engine, REGISTRY)
    for n in range(per_aggregate):
        for a in range(aggregates):
            await store.append(f"c-{a}", n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())
    await OutboxRelay(engine, nc).drain()


async def _with_read_model(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)


def _projector(engine: AsyncEngine, nc: nats.NATS, **kwargs: object) -> StreamProjector:
    return StreamProjector(
        engine=engine,
        nc=nc,
        registry=REGISTRY,
        projection=kwargs.pop("projection", TicksPerCounter()),  # type: ignore[arg-type]
        stream=PUBLIC_STREAM.name,
        subjects=SUBJECTS,
        durable="test-ticks",
        **kwargs,  # type: ignore[arg-type]
    )


async def _ticks(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    async with engine.connect() as conn:
        return await read_ticks(conn)


async def test_a_redelivered_message_is_applied_once(engine: AsyncEngine, nc: nats.NATS) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=2, per_aggregate=3)
    projector = _projector(engine, nc)
    await projector.catch_up()
    # Replay the same stream messages through the handler, as a redelivery would.
    sub = await nc.jetstream().pull_subscribe(SUBJECTS[0], durable="replayer", stream=PUBLIC_STREAM.name)
    msgs = await sub.fetch(6, timeout=2)
    await projector.handle(msgs)
    assert await _ticks(engine) == {"c-0": (3, 2), "c-1": (3, 2)}


async def test_a_crash_between_commit_and_ack_applies_the_message_once(engine: AsyncEngine, nc: nats.NATS) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=4)
    projector = _projector(engine, nc, ack_wait=1.0)
    await projector._ensure_consumer()
    sub = await nc.jetstream().pull_subscribe_bind("test-ticks", PUBLIC_STREAM.name)
    msgs = await sub.fetch(4, timeout=2)
    async with engine.begin() as conn:  # the commit happens...
        for msg in msgs:
            from cantiere_runtime.stream_projector import recorded_from

            await projector.projection.apply(conn, recorded_from(msg, REGISTRY))
        await Checkpoints.set(conn, projector.projection.name, msgs[-1].metadata.sequence.stream)
    # ...and the process dies before acking: the server redelivers after ack_wait.
    await sub.unsubscribe()
    await asyncio.sleep(1.5)
    handled = await projector.catch_up()
    assert handled == 0  # the next process resumes after the stored checkpoint: nothing is delivered again
    assert await _ticks(engine) == {"c-0": (4, 3)}


async def test_messages_delivered_to_a_process_that_died_are_applied_by_the_next_in_order(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    # Found by tests/faults: a kill -9 of monitoring under load left a person out of its projection.
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=2)
    dying = _projector(engine, nc, ack_wait=1.0)
    await dying._ensure_consumer()
    sub = await nc.jetstream().pull_subscribe_bind("test-ticks", PUBLIC_STREAM.name)
    assert len(await sub.fetch(2, timeout=2)) == 2  # delivered, and the process dies before applying them
    await sub.unsubscribe()
    await _published_more(engine, nc)  # a later event, which the next process could see first
    await _projector(engine, nc, ack_wait=1.0).catch_up()
    assert await _ticks(engine) == {"c-0": (3, 2)}  # all three, none skipped behind the later one


async def test_a_projector_resumes_from_its_stored_checkpoint(engine: AsyncEngine, nc: nats.NATS) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=2, per_aggregate=2)
    await _projector(engine, nc).catch_up()
    await nc.jetstream().delete_consumer(PUBLIC_STREAM.name, "test-ticks")  # the consumer is lost
    await _published_more(engine, nc)
    await _projector(engine, nc).catch_up()
    assert await _ticks(engine) == {"c-0": (3, 2), "c-1": (2, 1)}


async def _published_more(engine: AsyncEngine, nc: nats.NATS) -> None:
    store = EventStore(engine, REGISTRY)
    await store.append("c-0", 2, [CounterTicked(n=2)], [CounterTickedPublicly(n=2)], context=context())
    await OutboxRelay(engine, nc).drain()


async def test_a_rebuild_equals_the_live_projection(engine: AsyncEngine, nc: nats.NATS) -> None:
    await _with_read_model(engine)
    projector = _projector(engine, nc)
    stop = asyncio.Event()
    live = asyncio.create_task(projector.run(stop))
    await _published(engine, nc, aggregates=5, per_aggregate=6)
    for _ in range(100):
        if projector.applied >= 30:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await live
    live_view = await _ticks(engine)
    progress: list[tuple[int, int]] = []
    await projector.rebuild(lambda done, total: progress.append((done, total)))
    assert await _ticks(engine) == live_view
    assert len(live_view) == 5
    assert progress and progress[-1][0] == 30 and progress[-1][1] == 30


async def test_an_undecodable_message_goes_to_the_dead_letter_stream_and_the_projector_continues(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    js = nc.jetstream()
    await _published(engine, nc, aggregates=1, per_aggregate=1)
    await js.publish("cantiere.public.referrals.testville.CounterTickedPublicly", b"not json", headers={"x": "y"})
    store = EventStore(engine, REGISTRY)
    await store.append("c-0", 1, [CounterTicked(n=1)], [CounterTickedPublicly(n=1)], context=context())
    await OutboxRelay(engine, nc).drain()
    projector = _projector(engine, nc, max_deliver=3, retry_delay=0.01)
    await projector.catch_up()
    assert await _ticks(engine) == {"c-0": (2, 1)}
    assert projector.dead_lettered == 1
    dead = await js.get_last_msg(DEAD_LETTER_STREAM.name, "cantiere.deadletter.test-ticks")
    assert dead.data == b"not json"
    assert dead.headers is not None and dead.headers["Cantiere-Dead-Stream-Sequence"] == "2"
    assert "CloudEvents" in dead.headers["Cantiere-Dead-Reason"]


async def test_a_message_that_keeps_failing_is_dead_lettered_after_max_deliver(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=4)
    projector = _projector(engine, nc, projection=TicksPerCounter(fail_on=1), max_deliver=3, retry_delay=0.01)
    await projector.catch_up()
    assert projector.dead_lettered == 1
    assert await _ticks(engine) == {"c-0": (3, 3)}  # n=0, 2, 3 applied in order; n=1 dead


async def test_a_local_projection_rebuilt_from_the_store_equals_the_live_one(engine: AsyncEngine) -> None:
    await _with_read_model(engine)
    store = EventStore(engine, REGISTRY)
    projector = LocalProjector(engine, REGISTRY, [TicksPerCounter()])
    for n in range(3):
        await store.append("c-0", n, [CounterTicked(n=n)], context=context())
        await projector.catch_up()
    live = await _ticks(engine)
    assert await projector.catch_up() == 0
    await projector.rebuild()
    assert await _ticks(engine) == live == {"c-0": (3, 2)}


async def test_log_lines_written_while_applying_carry_the_event_correlation_and_causation(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    import structlog

    seen: list[dict[str, object]] = []

    class Spy(TicksPerCounter):
        async def apply(self, conn, recorded):  # type: ignore[no-untyped-def]
            seen.append(structlog.contextvars.get_contextvars())
            await super().apply(conn, recorded)

    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=1)
    await _projector(engine, nc, projection=Spy()).catch_up()
    store = EventStore(engine, REGISTRY)
    meta = (await store.load("c-0")).events[0].metadata
    assert seen and seen[0]["correlation_id"] == str(meta.correlation_id)
    assert structlog.contextvars.get_contextvars().get("correlation_id") is None  # unbound afterwards


async def test_concurrent_catch_ups_of_a_local_projection_apply_each_event_once(engine: AsyncEngine) -> None:
    await _with_read_model(engine)
    store = EventStore(engine, REGISTRY)
    for n in range(20):
        await store.append("c-0", n, [CounterTicked(n=n)], context=context())
    projector = LocalProjector(engine, REGISTRY, [TicksPerCounter()], batch_size=3)
    counts = await asyncio.gather(*(projector.catch_up() for _ in range(4)))
    assert sum(counts) == 20
    assert await _ticks(engine) == {"c-0": (20, 19)}


async def test_a_fail_closed_projection_never_skips_an_event_it_cannot_apply(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    class Protective(TicksPerCounter):
        fail_closed = True

    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=3)
    projection = Protective(fail_on=1)
    projector = _projector(engine, nc, projection=projection, max_deliver=2, retry_delay=0.01, max_retry_delay=0.05)
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))
    await asyncio.sleep(1.0)
    assert projector.dead_lettered == 0
    assert await _ticks(engine) == {"c-0": (1, 0)}  # stopped before n=1, nothing after it applied
    assert projector.blocked_at == 2  # says where it stopped
    assert await Checkpoints(engine).blocked() == ["ticks_per_counter"]  # and so can other processes
    projection.fail_on = None  # the bug is fixed: the projection resumes where it stopped
    for _ in range(100):
        if (await _ticks(engine)).get("c-0", (0, 0))[0] == 3:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert await _ticks(engine) == {"c-0": (3, 2)}
    assert projector.blocked_at is None
    assert await Checkpoints(engine).blocked() == []


applied_order = Table(
    "applied_order", MetaData(), Column("position", Integer, primary_key=True, autoincrement=True), Column("n", Integer)
)


class _Flaky(TicksPerCounter):
    """Fails on n=1 a few times, then applies it; writes the order of application in the read model."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures
        self.tables = (*self.tables, applied_order)

    async def apply(self, conn, recorded):  # type: ignore[no-untyped-def]
        if recorded.event.n == 1 and self.failures > 0:
            self.failures -= 1
            raise RuntimeError("transient")
        await super().apply(conn, recorded)
        await conn.execute(applied_order.insert().values(n=recorded.event.n))


async def _applied_order(engine: AsyncEngine) -> list[int]:
    async with engine.begin() as conn:
        await conn.run_sync(applied_order.metadata.create_all)
        return list((await conn.execute(select(applied_order.c.n).order_by(applied_order.c.position))).scalars())


async def test_a_message_retried_after_a_failure_is_applied_before_the_ones_behind_it(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=8)
    await _applied_order(engine)
    projection = _Flaky(failures=30)
    projector = _projector(engine, nc, projection=projection, max_deliver=40, retry_delay=0.001, max_retry_delay=0.005)
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))
    for _ in range(100):
        if len(await _applied_order(engine)) == 8:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert await _applied_order(engine) == list(range(8))
    assert projector.dead_lettered == 0


async def test_catching_up_a_blocked_fail_closed_projection_stops_with_a_clear_error_and_resumes_in_order(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    from cantiere_runtime.stream_projector import ProjectionBlocked

    class Protective(_Flaky):
        fail_closed = True

    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=4)
    await _applied_order(engine)
    projection = Protective(failures=1_000)
    projector = _projector(engine, nc, projection=projection, max_deliver=3, retry_delay=0.001)
    with pytest.raises(ProjectionBlocked, match="blocked at stream sequence 2"):
        await projector.catch_up()
    assert await _applied_order(engine) == [0] and projector.dead_lettered == 0
    projection.failures = 0  # fixed
    await projector.catch_up()
    assert await _applied_order(engine) == [0, 1, 2, 3]
    assert await _ticks(engine) == {"c-0": (4, 3)}


async def test_a_fail_closed_projection_stops_at_a_message_it_cannot_decode_instead_of_setting_it_aside(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    from cantiere_runtime.stream_projector import ProjectionBlocked

    class Protective(TicksPerCounter):
        fail_closed = True

    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=1)
    # e.g. a safety constraint in a schema version this service does not know yet
    await nc.jetstream().publish("cantiere.public.referrals.testville.CounterTickedPublicly", b"not json")
    store = EventStore(engine, REGISTRY)
    await store.append("c-0", 1, [CounterTicked(n=1)], [CounterTickedPublicly(n=1)], context=context())
    await OutboxRelay(engine, nc).drain()
    projector = _projector(engine, nc, projection=Protective(), max_deliver=2, retry_delay=0.001)
    with pytest.raises(ProjectionBlocked, match="blocked at stream sequence 2"):
        await projector.catch_up()
    assert projector.dead_lettered == 0
    assert await _ticks(engine) == {"c-0": (1, 0)}  # nothing after the undecodable message was applied


async def test_a_running_projector_goes_on_when_its_consumer_is_deleted_under_it(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=2)
    projector = _projector(engine, nc, retry_delay=0.05, max_retry_delay=0.2, fetch_timeout=0.3)
    stop = asyncio.Event()
    task = asyncio.create_task(projector.run(stop))

    async def ticks_reach(count: int) -> bool:
        for _ in range(100):
            if (await _ticks(engine)).get("c-0", (0, 0))[0] == count:
                return True
            await asyncio.sleep(0.05)
        return False

    assert await ticks_reach(2)
    await nc.jetstream().delete_consumer(PUBLIC_STREAM.name, "test-ticks")  # e.g. by an administrator
    await asyncio.sleep(0.5)
    await _published_more(engine, nc)
    assert await ticks_reach(3), "the projector stopped consuming"
    assert not task.done()
    stop.set()
    await task
    assert await _ticks(engine) == {"c-0": (3, 2)}


async def test_a_projection_failing_closed_on_some_types_sets_aside_an_unreadable_message_of_another(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    class ProtectiveOfWithdrawals(TicksPerCounter):
        fail_closed = True
        fail_closed_types = frozenset({"CounterWithdrawn"})  # not the type of the message below

    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=1)
    await nc.jetstream().publish("cantiere.public.referrals.testville.CounterTickedPublicly", b"not json")
    store = EventStore(engine, REGISTRY)
    await store.append("c-0", 1, [CounterTicked(n=1)], [CounterTickedPublicly(n=1)], context=context())
    await OutboxRelay(engine, nc).drain()
    projector = _projector(engine, nc, projection=ProtectiveOfWithdrawals(), max_deliver=2, retry_delay=0.001)
    await projector.catch_up()
    assert projector.dead_lettered == 1 and projector.blocked_at is None
    assert await _ticks(engine) == {"c-0": (2, 1)}


async def test_a_durable_created_for_other_subjects_is_created_again_for_the_projection_s_own(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    await _with_read_model(engine)
    await _published(engine, nc, aggregates=1, per_aggregate=2)
    wide = _projector(engine, nc)
    wide.subjects = ["cantiere.public.referrals.*.>"]  # what an older version of the service followed
    await wide.catch_up()
    # A message on a subject the projection no longer follows, which it could not read anyway.
    await nc.jetstream().publish("cantiere.public.referrals.testville.SomethingElse", b"not json")
    await _published_more(engine, nc)
    narrow = _projector(engine, nc, max_deliver=1, retry_delay=0.001)  # the upgraded service
    await narrow.catch_up()
    assert narrow.dead_lettered == 0  # never delivered: the durable follows the new subjects
    info = await nc.jetstream().consumer_info(PUBLIC_STREAM.name, "test-ticks")
    assert info.config.filter_subject == SUBJECTS[0]
    assert await _ticks(engine) == {"c-0": (3, 2)}  # resumed from its checkpoint, nothing applied twice
