"""Benchmarks (``make bench``): each path beside its raw baseline in the same run, on SQLite and PostgreSQL.

PostgreSQL is measured when CANTIERE_BENCH_POSTGRES_URL or CANTIERE_TEST_POSTGRES_URL names a server (a database
of its own per bench, dropped afterwards). Ratios, not absolute numbers, are what compare across machines.
The figures go to var/bench.json and var/bench.md (see tests/bench/figures.py); nothing here asserts a time.

    python -m tests.bench            # the full run
    python -m tests.bench --quick    # a short one (sizes below), same keys
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nats
from cantiere_runtime.bus import declare_streams
from cantiere_runtime.logging import configure_logging
from cantiere_runtime.nats_server import NatsServer

from tests.bench.catch_up import bench_catch_up
from tests.bench.command import bench_command_path
from tests.bench.databases import backends, postgres_server, postgres_version
from tests.bench.documents import bench_documents
from tests.bench.figures import Figures, machine
from tests.bench.fold import bench_fold
from tests.bench.latency import bench_latency
from tests.bench.region import bench_region_rebuild
from tests.bench.relay import bench_relay
from tests.bench.stream_backup import bench_stream_backup

BENCHES = ("command", "relay", "projector", "fold", "backup", "documents", "latency", "rebuild")


@dataclass(frozen=True)
class Sizes:
    commands: int  # commands through the write path, per database
    events: int  # public events through the relay, per database (the projector catches up on all of them)
    rebuild: int  # public events of the Region rebuild
    latency_rate: float  # referrals a second, open loop
    latency_seconds: float
    only: frozenset[str] = frozenset(BENCHES)

    def runs(self, bench: str) -> bool:
        return bench in self.only


FULL = Sizes(commands=5000, events=5000, rebuild=1_000_000, latency_rate=100, latency_seconds=30)
QUICK = Sizes(commands=500, events=1000, rebuild=20_000, latency_rate=100, latency_seconds=3)


def arguments(argv: list[str] | None = None) -> tuple[Sizes, bool, Path]:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--commands", type=int)
    parser.add_argument("--events", type=int)
    parser.add_argument("--rebuild", type=int, help="events of the Region rebuild (0: skip it)")
    parser.add_argument("--latency-rate", type=float)
    parser.add_argument("--latency-seconds", type=float, help="0: skip the end-to-end latency")
    parser.add_argument("--no-documents", action="store_true")
    parser.add_argument("--only", help=f"comma-separated, of: {', '.join(BENCHES)} (the projector needs the relay)")
    parser.add_argument("--out", type=Path, default=Path("var"), help="folder of bench.json and bench.md")
    args = parser.parse_args(argv)
    base = QUICK if args.quick else FULL
    sizes = Sizes(
        commands=args.commands or base.commands,
        events=args.events or base.events,
        rebuild=base.rebuild if args.rebuild is None else args.rebuild,
        latency_rate=args.latency_rate or base.latency_rate,
        latency_seconds=base.latency_seconds if args.latency_seconds is None else args.latency_seconds,
        only=frozenset(args.only.split(",") if args.only else BENCHES) - set(["documents"] * args.no_documents),
    )
    if unknown := sizes.only - set(BENCHES):
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")
    return sizes, args.quick, args.out


async def run(sizes: Sizes, figures: Figures, server: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        nats_server = NatsServer(store_dir=folder / "nats").start()
        try:
            nc = await nats.connect(nats_server.url)
            await declare_streams(nc.jetstream())
            await nc.close()
            for backend in backends(server) if sizes.runs("command") else ():
                print(f"command path on {backend} ({sizes.commands} commands)", flush=True)
                await bench_command_path(figures, backend, folder, server, sizes.commands)
            if sizes.runs("command") and importlib.util.find_spec("eventsourcing") is None:
                print("  the eventsourcing library is not in uv.lock: its comparison is not measured")
            for backend in backends(server) if sizes.runs("relay") else ():
                print(f"outbox relay on {backend} ({sizes.events} events)", flush=True)
                await bench_relay(figures, backend, folder, server, nats_server.url, sizes.events)
            for backend in backends(server) if sizes.runs("projector") else ():
                print(f"projector catch-up on {backend} (the whole public stream)", flush=True)
                await bench_catch_up(figures, backend, folder, server, nats_server.url)
            if sizes.runs("fold"):
                print("load by folding, ms per load (SQLite)", flush=True)
                await bench_fold(figures, folder)
            if sizes.runs("backup"):
                print("stream backup and restore", flush=True)
                await bench_stream_backup(figures, nats_server.url, folder)
            if sizes.runs("documents"):
                print("documents, ms each (PDF/A-2b by WeasyPrint; raw: plain PDF of the agreement)", flush=True)
                bench_documents(figures)
            if sizes.runs("latency") and sizes.latency_seconds:
                print(f"end-to-end latency ({sizes.latency_rate:g} referrals/s for {sizes.latency_seconds:g} s)")
                await bench_latency(figures, folder, sizes.latency_rate, sizes.latency_seconds)
        finally:
            nats_server.stop()


def _stop(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> Figures:
    sizes, quick, out = arguments(argv)
    configure_logging("bench", fmt="console", level="WARNING")  # a debug line per event costs more than the event
    signal.signal(signal.SIGTERM, _stop)  # stopped from outside: the service processes and servers stop too
    server = postgres_server()
    figures = Figures(machine(postgres_version(server), quick))
    print(f"bench on {figures.machine['cpu']} ({figures.machine['cores']} cores), load {figures.machine['load']}")
    asyncio.run(run(sizes, figures, server))
    if sizes.runs("rebuild") and sizes.rebuild:  # outside the event loop: it runs loops (and a process) of its own
        print(f"Region rebuild ({sizes.rebuild:,} events)", flush=True)
        bench_region_rebuild(figures, sizes.rebuild, server)
    figures.finished()
    data, table = figures.write(out)
    print()
    print(table.read_text(encoding="utf-8"))
    print(f"written: {data}, {table}")
    return figures


if __name__ == "__main__":
    main()
