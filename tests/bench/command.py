"""The command path: ``CommandHandler.run`` (load, decide, append events and outbox rows, commit) beside the raw
driver running the same statements in the same transactions (sqlite3 on SQLite, psycopg on PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import psycopg
from cantiere_runtime.db import create_engine
from cantiere_runtime.decider import Decider
from cantiere_runtime.migrate import migrate
from cantiere_runtime.store import EventStore
from cantiere_runtime.store_sql import INSERT_EVENTS, INSERT_OUTBOX, LOAD
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork

from tests.bench.databases import SQLITE, driver_url, fresh
from tests.bench.figures import Figures
from tests.integration.runtime.sample import REGISTRY, CounterTicked, CounterTickedPublicly, context

AGGREGATES = 200
ROUNDS = 6


def _tick(state: int, _event: Any) -> int:
    return state + 1


def _decide(_command: str, state: int) -> list[CounterTicked]:
    return [CounterTicked(n=state)]


COUNTER: Decider[str, int, CounterTicked] = Decider(_decide, _tick, 0)

# What the store writes for one tick, as the raw baseline writes it (no encoding in the timed loop).
PAYLOAD = json.dumps({"n": 1})
METADATA = json.dumps({"partner": "testville", "producer": "referrals", "audience": "private", "actor": None})
HEADERS = json.dumps({"ce-type": "CounterTickedPublicly", "ce-specversion": "1"})
DATA = json.dumps({"n": 1, "metadata": {"partner": "testville"}}).encode()
SUBJECT = "cantiere.public.referrals.testville.CounterTickedPublicly"
NOW = "2026-01-02 03:04:05.000000"


Side = Callable[[int, int], Awaitable[float]]  # commands i..i+n-1 run, in seconds


@asynccontextmanager
async def cantiere(url: str) -> AsyncIterator[Side]:
    """The real write path."""
    engine = create_engine(url)
    await migrate(engine)
    handler = CommandHandler(engine, EventStore(engine, REGISTRY))
    ctx = context()

    def tick(aggregate_id: str) -> Any:
        async def work(unit: UnitOfWork) -> None:
            counter = await unit.load(COUNTER, aggregate_id)
            ticked = COUNTER.decide("tick", counter.state)
            public = [CounterTickedPublicly(n=e.n) for e in ticked]
            unit.append(aggregate_id, counter.version, ticked, public, context=ctx)

        return work

    async def run(first: int, count: int) -> float:
        started = time.perf_counter()
        for i in range(first, first + count):
            await handler.run(tick(f"c-{i % AGGREGATES}"))
        return time.perf_counter() - started

    try:
        yield run
    finally:
        await handler.close()
        await engine.dispose()


def _rows(i: int) -> tuple[str, tuple[Any, ...], tuple[Any, ...]]:
    aggregate, version = f"c-{i % AGGREGATES}", i // AGGREGATES + 1
    event = (f"e-{i}", aggregate, version, "CounterTicked", 1, PAYLOAD, METADATA, NOW)
    outgoing = (f"e-{i}-public", aggregate, SUBJECT, HEADERS, DATA, NOW)
    return aggregate, event, outgoing


async def _schema(url: str) -> None:
    engine = create_engine(url)
    await migrate(engine)
    await engine.dispose()


@asynccontextmanager
async def raw_sqlite(url: str) -> AsyncIterator[Side]:
    """The same statements on a plain sqlite3 connection: BEGIN IMMEDIATE, load, two inserts, COMMIT."""
    await _schema(url)
    raw = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    raw.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
    load, insert_events, insert_outbox = LOAD, INSERT_EVENTS.replace("?json", "?"), INSERT_OUTBOX.replace("?json", "?")

    async def run(first: int, count: int) -> float:
        started = time.perf_counter()
        for i in range(first, first + count):
            aggregate, event, outgoing = _rows(i)
            raw.execute("BEGIN IMMEDIATE")
            raw.execute(load, (aggregate,)).fetchall()
            raw.executemany(insert_events, [event])
            raw.executemany(insert_outbox, [outgoing])
            raw.execute("COMMIT")
        return time.perf_counter() - started

    try:
        yield run
    finally:
        raw.close()


@asynccontextmanager
async def raw_postgres(url: str) -> AsyncIterator[Side]:
    """The same statements on a plain psycopg connection: advisory lock, load, two inserts (one pipeline), commit."""
    await _schema(url)

    def native(sql: str) -> str:
        return sql.replace("?json", "CAST(%s AS JSON)").replace("?", "%s")

    load, insert_events, insert_outbox = native(LOAD), native(INSERT_EVENTS), native(INSERT_OUTBOX)
    async with await psycopg.AsyncConnection.connect(driver_url(url)) as raw:

        async def run(first: int, count: int) -> float:
            started = time.perf_counter()
            for i in range(first, first + count):
                aggregate, event, outgoing = _rows(i)
                async with raw.transaction(), raw.cursor() as cursor:
                    await cursor.execute("SELECT pg_advisory_xact_lock(%s)", (1,))
                    await cursor.execute(load, (aggregate,))
                    await cursor.fetchall()
                    async with raw.pipeline():
                        await cursor.executemany(insert_events, [event])
                        await cursor.executemany(insert_outbox, [outgoing])
            return time.perf_counter() - started

        yield run


async def bench_command_path(
    figures: Figures, backend: str, folder: Path, server: str | None, commands: int, rounds: int = ROUNDS
) -> None:
    """Both sides in alternating rounds (raw first, then Cantiere first, ...), so that the load other work puts
    on the machine meanwhile weighs on both alike; each rate is its commands over its total time."""
    raw_side = raw_sqlite if backend == SQLITE else raw_postgres
    each = max(1, commands // rounds)
    spent = {"raw": 0.0, "cantiere": 0.0}
    with fresh(backend, folder, "command-raw", server) as raw_url, fresh(backend, folder, "command", server) as url:
        async with raw_side(raw_url) as raw, cantiere(url) as ours:
            for r in range(rounds):
                order = [("raw", raw), ("cantiere", ours)]
                for name, side in order if r % 2 == 0 else reversed(order):
                    spent[name] += await side(r * each, each)
    figures.rate("command", backend, each * rounds / spent["cantiere"], each * rounds / spent["raw"])
