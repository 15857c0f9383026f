"""The figures of one bench run: each path's rate beside its raw baseline, per database, and how they are written.

``var/bench.json`` holds one object per path and database, keyed ``"<path>"`` → ``{"sqlite": {...},
"postgresql": {...}}``, each ``{"rate", "baseline", "ratio"}`` (rates per second, ratio = rate / baseline);
``"rebuild"`` and ``"latency"`` hold their own figures, ``"machine"`` what the run ran on.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# What each path key means, in the table's order.
PATHS = {
    "command": "command: load, decide, append + outbox, commit (CommandHandler.run)",
    "eventsourcing": "command in the eventsourcing library (same workload)",
    "relay": "outbox relay: read, publish, mark sent",
    "relay_10": "outbox relay, 10 events per aggregate",
    "projector": "projector catch-up: decode, apply, checkpoint, ack",
    "backup": "stream backup to JSON lines",
    "restore": "stream restore (same sequences, checked)",
}
BASELINES = {
    "command": "raw driver, same statements",
    "eventsourcing": "raw sqlite3, same statements",
    "relay": "nats-py publish_async",
    "relay_10": "nats-py publish_async",
    "projector": "nats-py pull replay with ack",
    "backup": "nats-py pull replay with ack",
    "restore": "nats-py publish_async",
}


@dataclass
class Figures:
    """Everything measured in one run, printed as it comes and written at the end."""

    machine: dict[str, Any]
    paths: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    extra: dict[str, dict[str, Any]] = field(default_factory=dict)

    def rate(self, path: str, database: str, rate: float, baseline: float) -> None:
        """A path's rate beside its raw baseline (both per second), measured in this run on ``database``."""
        entry = {"rate": round(rate, 1), "baseline": round(baseline, 1), "ratio": round(rate / baseline, 4)}
        self.paths.setdefault(path, {})[database] = entry
        print(f"  {path:<14} {database:<11} {rate:>10,.0f}/s  raw {baseline:>10,.0f}/s  ratio {rate / baseline:6.1%}")

    def other(self, name: str, **values: Any) -> None:
        """Figures that are not a rate beside a baseline (the rebuild, the latency, per-load times)."""
        self.extra[name] = values
        print(f"  {name}: " + ", ".join(f"{k} {v}" for k, v in values.items()))

    def as_json(self) -> dict[str, Any]:
        return {"machine": self.machine, **self.paths, **self.extra}

    def finished(self) -> None:
        """The load average at the end beside the one at the start (other work on the machine shows there)."""
        self.machine["load_end"] = _load()

    def write(self, folder: Path) -> tuple[Path, Path]:
        """var/bench.json and var/bench.md (the table the README shows)."""
        folder.mkdir(parents=True, exist_ok=True)
        data, table = folder / "bench.json", folder / "bench.md"
        data.write_text(json.dumps(self.as_json(), indent=2) + "\n", encoding="utf-8")
        table.write_text(markdown(self.as_json()), encoding="utf-8")
        return data, table


def markdown(figures: dict[str, Any]) -> str:
    """The table of a bench.json: one row per path and database, then the rebuild and the latency."""
    m = figures["machine"]
    lines = [
        f"Run of {m['date']} on {m['cpu']} ({m['cores']} cores), Python {m['python']}, SQLite {m['sqlite']},"
        f" PostgreSQL {m['postgres'] or 'not measured'}; load average {m['load']} at the start,"
        f" {m.get('load_end', '?')} at the end"
        f"{' (quick mode)' if m.get('quick') else ''}.",
        "",
        "| path | database | Cantiere /s | baseline | baseline /s | ratio |",
        "|---|---|---:|---|---:|---:|",
    ]
    for path, what in PATHS.items():
        for database, f in figures.get(path, {}).items():
            rate, baseline, ratio = f"{f['rate']:,.0f}", f"{f['baseline']:,.0f}", f"{f['ratio']:.1%}"
            lines.append(f"| {what} | {database} | {rate} | {BASELINES[path]} | {baseline} | {ratio} |")
    for key, database in (("rebuild", "SQLite"), ("rebuild_postgresql", "PostgreSQL")):
        if rebuild := figures.get(key):
            lines += [
                "",
                f"Region rebuild on {database}: {rebuild['events']:,} public events replayed into monitoring in"
                f" {rebuild['seconds']:,.1f} s ({rebuild['events'] / rebuild['seconds']:,.0f}/s),"
                f" peak RSS {rebuild['peak_rss_mb']:,.0f} MB.",
            ]
    if latency := figures.get("latency"):
        late = latency.get("not_shown")
        lines += [
            "",
            f"End-to-end latency (referral submitted over HTTP until monitoring's read model has it, open loop at"
            f" {latency['rate']} commands/s for {latency['seconds']} s, {latency['commands']} commands):"
            f" p50 {latency['p50_ms']:,.1f} ms, p99 {latency['p99_ms']:,.1f} ms (the HTTP answer alone:"
            f" p50 {latency['answered_p50_ms']:,.1f} ms, p99 {latency['answered_p99_ms']:,.1f} ms)"
            + (f"; {late} not shown in time (counted as the time waited)." if late else "."),
        ]
    if fold := figures.get("fold"):
        lines += ["", "Load by folding: " + ", ".join(f"{k.replace('_', ' ')}: {v} ms" for k, v in fold.items()) + "."]
    if documents := figures.get("documents"):
        lines += ["", "Documents (ms each): " + ", ".join(f"{k} {v}" for k, v in documents.items()) + "."]
    return "\n".join(lines) + "\n"


def machine(postgres: str | None, quick: bool) -> dict[str, Any]:
    """What the run ran on: processor, cores, versions, date, and the load average when it started."""
    return {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": postgres,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "load": _load(),
        "platform": f"{platform.system()} {platform.release()} {platform.machine()}",
        "quick": quick,
        "argv": sys.argv[1:],
    }


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
