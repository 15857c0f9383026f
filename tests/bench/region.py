"""The Region-scale rebuild: public events of a programme replayed into monitoring (tests/bench/rebuild.py).

``bench_rebuild`` is written beside this bench; until it is there, the run says so and goes on without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tests.bench.figures import Figures


def _progress(done: int, total: int) -> None:
    print(f"  rebuild: {done:,} of {total:,}", flush=True)


def bench_region_rebuild(figures: Figures, events: int, server: str | None) -> None:
    """Seconds and peak RSS of monitoring rebuilt from ``events`` public events (PostgreSQL when a server is set)."""
    try:
        module = importlib.import_module("tests.bench.rebuild")
    except ModuleNotFoundError as missing:
        if missing.name != "tests.bench.rebuild":
            raise
        print("  rebuild: tests/bench/rebuild.py is not there yet: not measured")
        return
    rebuild: Callable[..., dict[str, Any]] = module.bench_rebuild
    result = rebuild(events, server, _progress)
    figures.other("rebuild", **result)
