"""Benchmarks (``make bench``): each rate is printed beside a raw baseline measured in the same run.

Ratios, not absolute numbers, are what compare across machines. Nothing here asserts a time.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
import time
from pathlib import Path

import nats
from cantiere_events import encode
from cantiere_runtime.backup_streams import backup_stream, restore_stream
from cantiere_runtime.bus import PUBLIC_STREAM, declare_streams
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.nats_server import NatsServer
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.store import EventStore, envelope_for
from cantiere_runtime.stream_projector import StreamProjector
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.bench.documents import bench_documents
from tests.integration.runtime.sample import (
    REGISTRY,
    CounterTicked,
    CounterTickedPublicly,
    TicksPerCounter,
    context,
    read_metadata,
)

COMMANDS = 2000
AGGREGATES = 200
FOLD_SIZES = (10, 100, 1000)


def line(what: str, count: int, seconds: float, baseline: float | None = None) -> float:
    rate = count / seconds
    extra = f"   ({rate / baseline:5.1%} of raw)" if baseline else ""
    print(f"  {what:<46} {rate:>10,.0f} /s{extra}")
    return rate


async def bench_command_path(engine: AsyncEngine, folder: Path) -> None:
    print(f"command path: load, decide, append with outbox, commit ({COMMANDS} commands, {AGGREGATES} aggregates)")
    raw = sqlite3.connect(folder / "raw.db", isolation_level=None)
    raw.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
        "CREATE TABLE events(position INTEGER PRIMARY KEY, event_id TEXT UNIQUE, aggregate_id TEXT, v INT,"
        " type TEXT, ver INT, payload TEXT, metadata TEXT, recorded_at TEXT, UNIQUE(aggregate_id, v));"
        "CREATE TABLE outbox(position INTEGER PRIMARY KEY, event_id TEXT UNIQUE, aggregate_id TEXT, subject TEXT,"
        " headers TEXT, data BLOB, created_at TEXT, sent_at TEXT, seq INT);"
    )
    started = time.perf_counter()
    for i in range(COMMANDS):
        agg, n = f"c-{i % AGGREGATES}", i // AGGREGATES
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("SELECT type, ver, payload FROM events WHERE aggregate_id=? ORDER BY v", (agg,)).fetchall()
        raw.execute("INSERT INTO events VALUES (NULL,?,?,?,?,?,?,?,?)", (f"e{i}", agg, n + 1, "T", 1, "{}", "{}", ""))
        raw.execute("INSERT INTO outbox VALUES (NULL,?,?,?,?,?,?,NULL,NULL)", (f"e{i}", agg, "s", "{}", b"{}", ""))
        raw.execute("COMMIT")
    baseline = line("raw sqlite3, same statements", COMMANDS, time.perf_counter() - started)
    store = EventStore(engine, REGISTRY)
    ctx = context()
    started = time.perf_counter()
    for i in range(COMMANDS):
        agg = f"c-{i % AGGREGATES}"
        loaded = await store.load(agg)
        n = len(loaded.events)  # "decide": the next tick
        await store.append(agg, loaded.version, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=ctx)
    line("EventStore (SQLAlchemy async, aiosqlite)", COMMANDS, time.perf_counter() - started, baseline)


async def bench_fold(engine: AsyncEngine) -> None:
    print("load by folding (decides whether snapshots are needed)")
    store = EventStore(engine, REGISTRY)
    for size in FOLD_SIZES:
        agg = f"long-{size}"
        for n in range(0, size, 100):
            batch = [CounterTicked(n=k) for k in range(n, min(size, n + 100))]
            await store.append(agg, n, batch, context=context())
        rounds = max(3, 2000 // size)
        started = time.perf_counter()
        for _ in range(rounds):
            await store.load(agg)
        ms = (time.perf_counter() - started) / rounds * 1000
        print(f"  aggregate of {size:>5} events: {ms:8.2f} ms per load")


async def bench_relay(engine: AsyncEngine, url: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    store = EventStore(engine, REGISTRY)
    ctx = context()
    messages = [encode(envelope_for(CounterTickedPublicly(n=i), f"r-{i}", 1, ctx)) for i in range(COMMANDS)]
    print(f"outbox relay ({COMMANDS} events: one per aggregate, then ten per aggregate)")
    started = time.perf_counter()
    for m in messages:
        await js.publish_async(m.subject, m.data, headers={**m.headers, "Nats-Msg-Id": "raw-" + m.headers["ce-id"]})
    await js.publish_async_completed()
    baseline = line("raw nats-py publish_async", COMMANDS, time.perf_counter() - started)
    relay = OutboxRelay(engine, nc)
    await relay.drain()  # the command-path benchmark's events first, untimed
    for per_aggregate in (1, 10):  # ten: each aggregate's next event waits for the previous one's ack
        for n in range(per_aggregate):
            for i in range(COMMANDS // per_aggregate):
                agg = f"relay{per_aggregate}-{i}"
                await store.append(agg, n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=ctx)
        started = time.perf_counter()
        await relay.drain(timeout=300)
        what = f"OutboxRelay, {per_aggregate:>2} per aggregate (read, publish, mark)"
        line(what, COMMANDS, time.perf_counter() - started, baseline)
    await nc.close()


async def bench_projector(engine: AsyncEngine, url: str) -> None:
    nc = await nats.connect(url)
    js = nc.jetstream()
    total = (await js.stream_info(PUBLIC_STREAM.name)).state.messages
    print(f"projector catch-up ({total} messages in the stream)")
    sub = await js.pull_subscribe("cantiere.public.>", durable="raw-replay", stream=PUBLIC_STREAM.name)
    started, seen = time.perf_counter(), 0
    while seen < total:
        msgs = await sub.fetch(200, timeout=5)
        for msg in msgs:
            await msg.ack()
        seen += len(msgs)
    baseline = line("raw nats-py pull replay with ack", total, time.perf_counter() - started)
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)
    projector = StreamProjector(
        engine, nc, REGISTRY, TicksPerCounter(), PUBLIC_STREAM.name, ["cantiere.public.>"], "bench-ticks"
    )
    started = time.perf_counter()
    handled = await projector.catch_up()
    line("StreamProjector (decode, apply, checkpoint, ack)", handled, time.perf_counter() - started, baseline)
    await nc.close()


async def bench_stream_backup(url: str, folder: Path) -> None:
    """Backing up the public stream and restoring it into an empty server, beside raw replay and publish."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    total = (await js.stream_info(PUBLIC_STREAM.name)).state.messages
    print(f"stream backup and restore ({total} messages)")
    sub = await js.pull_subscribe("cantiere.public.>", durable="raw-backup-replay", stream=PUBLIC_STREAM.name)
    started, seen = time.perf_counter(), 0
    while seen < total:
        msgs = await sub.fetch(500, timeout=5)
        for msg in msgs:
            await msg.ack()
        seen += len(msgs)
    baseline = line("raw nats-py pull replay with ack", total, time.perf_counter() - started)
    started = time.perf_counter()
    copy = await backup_stream(js, PUBLIC_STREAM.name, folder / "backup")
    line("backup_stream (to a JSON-lines file)", copy.messages, time.perf_counter() - started, baseline)
    await nc.close()
    empty = NatsServer(store_dir=folder / "nats-restored").start()
    try:
        nc = await nats.connect(empty.url)
        js = nc.jetstream()
        await js.add_stream(name="RAW", subjects=["raw.>"])
        started = time.perf_counter()
        for i in range(total):
            await js.publish_async(f"raw.{i}", b"x" * 200, headers={"Nats-Msg-Id": f"raw-{i}"})
        await js.publish_async_completed()
        baseline = line("raw nats-py publish_async", total, time.perf_counter() - started)
        started = time.perf_counter()
        restored = await restore_stream(js, folder / "backup" / f"{PUBLIC_STREAM.name}.jsonl")
        line("restore_stream (same sequences, checked)", restored.messages, time.perf_counter() - started, baseline)
        await nc.close()
    finally:
        empty.stop()


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = NatsServer(store_dir=folder / "nats").start()
        try:
            nc = await nats.connect(server.url)
            await declare_streams(nc.jetstream())
            await nc.close()
            engine = create_engine(f"sqlite:///{folder / 'bench.db'}")
            await migrate(engine)
            await bench_command_path(engine, folder)
            await bench_fold(engine)
            await bench_relay(engine, server.url)
            await bench_projector(engine, server.url)
            bench_documents()
            await bench_stream_backup(server.url, folder)
            await engine.dispose()
        finally:
            server.stop()


if __name__ == "__main__":
    asyncio.run(main())
