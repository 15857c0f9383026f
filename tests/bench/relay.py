"""The outbox relay (read the outbox, publish, mark sent) beside nats-py ``publish_async`` of the same messages."""

from __future__ import annotations

import time
from pathlib import Path

import nats
from cantiere_events import encode
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.store import EventStore, envelope_for

from tests.bench.databases import fresh
from tests.bench.figures import Figures
from tests.integration.runtime.sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


async def bench_relay(
    figures: Figures, backend: str, folder: Path, server: str | None, nats_url: str, events: int
) -> None:
    """``events`` public events, one per aggregate; both sides end with every message acknowledged by JetStream."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    ctx = context()
    messages = [encode(envelope_for(CounterTickedPublicly(n=i), f"raw-{i}", 1, ctx)) for i in range(events)]
    started = time.perf_counter()
    for m in messages:
        await js.publish_async(m.subject, m.data, headers={**m.headers, "Nats-Msg-Id": f"raw-{m.headers['ce-id']}"})
    await js.publish_async_completed()
    baseline = events / (time.perf_counter() - started)
    with fresh(backend, folder, "relay", server) as url:
        engine = create_engine(url)
        await migrate(engine)
        store = EventStore(engine, REGISTRY)
        for i in range(events):
            await store.append(f"relay-{i}", 0, [CounterTicked(n=i)], [CounterTickedPublicly(n=i)], context=ctx)
        relay = OutboxRelay(engine, nc)
        started = time.perf_counter()
        await relay.drain(timeout=600)
        rate = events / (time.perf_counter() - started)
        await engine.dispose()
    await nc.close()
    figures.rate("relay", backend, rate, baseline)
