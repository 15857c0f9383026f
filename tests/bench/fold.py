"""Loading an aggregate by folding its whole history, by length (whether snapshots would pay)."""

from __future__ import annotations

import time
from pathlib import Path

from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.store import EventStore

from tests.bench.databases import fresh
from tests.bench.figures import Figures
from tests.integration.runtime.sample import REGISTRY, CounterTicked, context

SIZES = (10, 100, 1000)


async def bench_fold(figures: Figures, folder: Path, sizes: tuple[int, ...] = SIZES) -> None:
    """Milliseconds per load of an aggregate of each size (SQLite, decoded-events cache included)."""
    times: dict[str, float] = {}
    with fresh("sqlite", folder, "fold", None) as url:
        engine = create_engine(url)
        await migrate(engine)
        store = EventStore(engine, REGISTRY)
        for size in sizes:
            aggregate = f"long-{size}"
            for n in range(0, size, 100):
                batch = [CounterTicked(n=k) for k in range(n, min(size, n + 100))]
                await store.append(aggregate, n, batch, context=context())
            rounds = max(3, 2000 // size)
            started = time.perf_counter()
            for _ in range(rounds):
                await store.load(aggregate)
            times[f"{size}_events"] = round((time.perf_counter() - started) / rounds * 1000, 3)
        await engine.dispose()
    figures.other("fold", **times)
