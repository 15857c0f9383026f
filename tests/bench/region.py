"""The Region-scale rebuild: public events of a programme replayed into monitoring (tests/bench/rebuild.py).

``bench_rebuild`` is written beside this bench; until it is there, the run says so and goes on without it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from tests.bench.figures import Figures


def _progress(*news: Any) -> None:
    print("  rebuild:", *news, flush=True)


def bench_region_rebuild(figures: Figures, events: int, server: str | None) -> None:
    """Seconds and peak RSS of monitoring rebuilt from ``events`` public events: ``rebuild`` on SQLite, and
    ``rebuild_postgresql`` when a PostgreSQL server is set."""
    try:
        module = importlib.import_module("tests.bench.rebuild")
    except ModuleNotFoundError as missing:
        if missing.name != "tests.bench.rebuild":
            raise
        print("  rebuild: tests/bench/rebuild.py is not there yet: not measured")
        return
    rebuild: Callable[..., dict[str, Any]] = module.bench_rebuild
    figures.other("rebuild", **rebuild(events, None, _progress))
    if server:
        figures.other("rebuild_postgresql", **rebuild(events, server, _progress))
