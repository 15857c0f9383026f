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
    """``events`` public events, one per aggregate, then ten per aggregate; both sides end with every message
    acknowledged by JetStream."""
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
        relay = OutboxRelay(engine, nc)
        # Then ten per aggregate: an aggregate's next event waits for the ack of its previous one.
        for path, per_aggregate in (("relay", 1), ("relay_10", 10)):
            aggregates = max(1, events // per_aggregate)
            for n in range(per_aggregate):
                for i in range(aggregates):
                    agg = f"{path}-{i}"
                    await store.append(agg, n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=ctx)
            started = time.perf_counter()
            await relay.drain(timeout=600)
            figures.rate(path, backend, aggregates * per_aggregate / (time.perf_counter() - started), baseline)
        await engine.dispose()
    await nc.close()
