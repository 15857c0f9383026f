"""`make bench` in miniature: every figure the issue asks for is written, and each is a positive number.

No time is asserted: the sizes are tiny, the point is that every bench runs to its end on this machine's
databases (PostgreSQL too when CANTIERE_TEST_POSTGRES_URL is set) and writes var/bench.json and var/bench.md.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from tests.bench.__main__ import main
from tests.bench.databases import backends, postgres_server

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

TINY = [
    "--quick", "--commands", "20", "--events", "50", "--rebuild", "2000",
    "--latency-rate", "10", "--latency-seconds", "1", "--no-documents",
]  # fmt: skip


def positive(figures: dict[str, Any], *keys: str) -> None:
    for key in keys:
        value = figures[key]
        assert isinstance(value, int | float) and value > 0, f"{key} = {value!r}"


def test_a_quick_bench_writes_every_figure(tmp_path: Path) -> None:
    main([*TINY, "--out", str(tmp_path)])

    figures = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    machine = figures["machine"]
    assert machine["cores"] > 0 and machine["python"] and machine["sqlite"] and machine["date"]
    assert bool(machine["postgres"]) == bool(postgres_server())
    for path in ("command", "relay", "projector"):
        assert set(figures[path]) == set(backends(postgres_server())), path
        for database in figures[path].values():
            positive(database, "rate", "baseline", "ratio")
    for path in ("backup", "restore"):
        positive(figures[path]["jetstream"], "rate", "baseline", "ratio")
    positive(figures["latency"], "p50_ms", "p99_ms")
    assert figures["latency"]["commands"] == 10
    positive(figures["fold"], "10_events", "100_events", "1000_events")
    if importlib.util.find_spec("tests.bench.rebuild") is not None:  # written beside this bench (issue 13)
        for key in ("rebuild", "rebuild_postgresql") if postgres_server() else ("rebuild",):
            positive(figures[key], "events", "seconds", "peak_rss_mb")
    table = (tmp_path / "bench.md").read_text(encoding="utf-8")
    assert "| command: load, decide, append + outbox, commit (CommandHandler.run) | sqlite |" in table
    assert "End-to-end latency" in table
