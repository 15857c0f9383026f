"""A projector catching up on the public stream (decode, apply, checkpoint, ack) beside a raw pull replay with ack."""

from __future__ import annotations

import time
from pathlib import Path

import nats
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.stream_projector import StreamProjector
from nats.js.client import JetStreamContext

from tests.bench.databases import fresh
from tests.bench.figures import Figures
from tests.integration.runtime import sample
from tests.integration.runtime.sample import REGISTRY, read_metadata

# The sample read model that applies a fetched batch in one go, as monitoring's projections do, where the
# runtime has batches (issue 13); the one-event-at-a-time model before.
TICKS = getattr(sample, "TicksPerCounterInBatches", sample.TicksPerCounter)

SUBJECTS = ["cantiere.public.>"]


async def raw_replay(js: JetStreamContext, durable: str, total: int, batch: int = 200) -> float:
    """Messages per second fetched and acknowledged one by one from a fresh durable pull consumer."""
    sub = await js.pull_subscribe(SUBJECTS[0], durable=durable, stream=PUBLIC_STREAM.name)
    started, seen = time.perf_counter(), 0
    while seen < total:
        msgs = await sub.fetch(batch, timeout=5)
        for msg in msgs:
            await msg.ack()
        seen += len(msgs)
    rate = seen / (time.perf_counter() - started)
    await sub.unsubscribe()
    return rate


async def bench_catch_up(figures: Figures, backend: str, folder: Path, server: str | None, nats_url: str) -> None:
    """Every message of the public stream (what the relay benches published), into a fresh read model."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    total = (await js.stream_info(PUBLIC_STREAM.name)).state.messages
    baseline = await raw_replay(js, f"raw-replay-{backend}", total)
    with fresh(backend, folder, "projector", server) as url:
        engine = create_engine(url)
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.run_sync(read_metadata.create_all)
        projector = StreamProjector(
            engine, nc, REGISTRY, TICKS(), PUBLIC_STREAM.name, SUBJECTS, f"bench-ticks-{backend}"
        )
        started = time.perf_counter()
        handled = await projector.catch_up()
        rate = handled / (time.perf_counter() - started)
        await engine.dispose()
    await nc.close()
    figures.rate("projector", backend, rate, baseline)
