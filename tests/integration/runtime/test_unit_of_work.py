"""The one write path: a unit of work loads, appends events and outbox in one batch, commits, and notifies;
the command handler decides again on news appended meanwhile (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio
from cantiere_runtime.decider import Decider
from cantiere_runtime.errors import Conflict
from cantiere_runtime.schema import outbox
from cantiere_runtime.store import ConcurrencyError, EventStore
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


def _decide(command: str, count: int) -> list[CounterTicked]:
    if command == "tick-once" and count > 0:
        raise Conflict("Il contatore è già partito.", "The counter has already started.", code="already_ticked")
    return [CounterTicked(n=count)]


# State: how many ticks the counter has.
counter = Decider(decide=_decide, evolve=lambda count, _event: count + 1, initial_state=0)


def tick(command: str = "tick", pause: float = 0.0, aggregate: str = "c-1"):  # type: ignore[no-untyped-def]
    async def work(unit: UnitOfWork) -> int:
        loaded = await unit.load(counter, aggregate)
        await asyncio.sleep(pause)  # another command may commit meanwhile (PostgreSQL; SQLite serializes writers)
        events = counter.decide(command, loaded.state)
        publics = [CounterTickedPublicly(n=e.n) for e in events]
        return unit.append(aggregate, loaded.version, events, publics, context=context())

    return work


@pytest_asyncio.fixture
async def handlers() -> AsyncIterator[list[CommandHandler]]:
    """Handlers made by a test, closed after it (on SQLite each keeps a connection for writing)."""
    made: list[CommandHandler] = []
    yield made
    for handler in made:
        await handler.close()


def handler_for(
    engine: AsyncEngine, made: list[CommandHandler], committed: Callable[[], None] | None = None, attempts: int = 5
) -> CommandHandler:
    handler = CommandHandler(
        engine, EventStore(engine, REGISTRY), committed=committed or (lambda: None), attempts=attempts
    )
    made.append(handler)
    return handler


async def _outbox_rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(outbox)) or 0)


async def test_a_command_appends_its_events_and_outbox_and_notifies_after_commit(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    notified: list[int] = []
    handler = handler_for(engine, handlers, lambda: notified.append(1))
    store = handler.store
    assert await handler.run(tick()) == 1
    assert await handler.run(tick()) == 2
    loaded = await store.load("c-1")
    assert [r.event for r in loaded.events] == [CounterTicked(n=0), CounterTicked(n=1)]
    assert await _outbox_rows(engine) == 2
    assert notified == [1, 1]


async def test_a_unit_that_decides_nothing_writes_nothing_and_does_not_notify(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    notified: list[int] = []
    handler = handler_for(engine, handlers, lambda: notified.append(1))

    async def look(unit: UnitOfWork) -> int:
        return (await unit.load(counter, "c-1")).version

    assert await handler.run(look) == 0
    assert notified == []


async def test_appends_to_several_aggregates_commit_together_or_not_at_all(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    handler = handler_for(engine, handlers, attempts=1)
    store = handler.store
    await handler.run(tick(aggregate="b"))

    async def both(unit: UnitOfWork) -> None:
        a = await unit.load(counter, "a")
        unit.append("a", a.version, [CounterTicked(n=0)], [CounterTickedPublicly(n=0)], context=context())
        unit.append("b", 0, [CounterTicked(n=9)], context=context())  # stale: b is at version 1

    with pytest.raises(ConcurrencyError):
        await handler.run(both)
    assert (await store.load("a")).version == 0
    assert await _outbox_rows(engine) == 1  # only b's first tick


async def test_concurrent_commands_on_one_aggregate_both_land_each_decided_on_the_other(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    handler = handler_for(engine, handlers)
    store = handler.store
    versions = await asyncio.gather(*(handler.run(tick(pause=0.05)) for _ in range(3)))
    assert sorted(versions) == [1, 2, 3]
    loaded = await store.load("c-1")
    assert [r.event for r in loaded.events] == [CounterTicked(n=0), CounterTicked(n=1), CounterTicked(n=2)]


async def test_a_command_that_no_longer_holds_after_the_news_is_refused_not_conflicted(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    handler = handler_for(engine, handlers)
    store = handler.store
    results = await asyncio.gather(
        *(handler.run(tick("tick-once", pause=0.05)) for _ in range(2)), return_exceptions=True
    )
    assert sorted(map(type, results), key=str) == sorted([int, Conflict], key=str)
    assert (await store.load("c-1")).version == 1


async def test_a_unit_joined_to_a_callers_transaction_retries_on_its_own_savepoint(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    handler = handler_for(engine, handlers)
    store = handler.store
    await handler.run(tick())
    attempts: list[int] = []

    async def stale_first(unit: UnitOfWork) -> int:
        loaded = await unit.load(counter, "c-1")
        attempts.append(loaded.version)
        version = loaded.version - 1 if len(attempts) == 1 else loaded.version  # the first try is stale
        return unit.append("c-1", version, [CounterTicked(n=loaded.state)], context=context())

    async with engine.begin() as conn:
        assert await handler.run_within(conn, stale_first) == 2
    assert attempts == [1, 1]
    assert (await store.load("c-1")).version == 2


async def test_a_unit_of_work_started_inside_another_is_refused_not_deadlocked(
    engine: AsyncEngine, handlers: list[CommandHandler]
) -> None:
    handler = handler_for(engine, handlers)

    async def nested(unit: UnitOfWork) -> int:
        return await handler.run(tick())

    if engine.dialect.name == "sqlite":
        with pytest.raises(RuntimeError, match="inside another"):
            await asyncio.wait_for(handler.run(nested), 10)
    assert await handler.run(tick()) == 1  # the handler still works after the refusal
