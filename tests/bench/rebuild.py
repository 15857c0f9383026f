"""The Region-scale rebuild: a programme's public events replayed into monitoring's projections.

Setup (not timed): a nats-server of its own, the programme's events (tests/bench/programme.py) published into
the public stream. Timed: monitoring's own rebuild (``ServiceRuntime.rebuild``, what
``python -m cantiere_monitoring rebuild`` runs), in a child process, so its peak RSS is the rebuilding
process's alone (the generator's memory is not counted). SQLite by default, PostgreSQL when a URL is given
(a schema of its own, dropped afterwards).

    python -m tests.bench.rebuild 100000 [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nats
from cantiere_runtime.bus import PUBLIC_STREAM, declare_streams
from cantiere_runtime.db import create_engine
from cantiere_runtime.nats_server import NatsServer
from sqlalchemy import text

from tests.bench.programme import programme_messages

MONITORING = "cabina-di-regia"
PUBLISH_WINDOW = 5000  # publishes in flight before waiting for their acks
# Referring municipalities (partners on the bus): the pilot's nine by default. The subjects of the stream are
# partners x event types, and NATS serves a consumer with several filter subjects (monitoring's projections
# have up to 19) at a cost that grows with the number of subjects it holds: see ``--municipalities``.
MUNICIPALITIES = 9


def _say(progress: Callable[..., None] | None, *news: Any) -> None:
    if progress is not None:
        progress(*news)


async def publish_programme(
    url: str, events: int, progress: Callable[..., None] | None = None, *, municipalities: int = MUNICIPALITIES
) -> int:
    """Publish ``events`` public events of an invented programme into the public stream; returns how many it holds."""
    nc = await nats.connect(url)
    js = nc.jetstream(publish_async_max_pending=PUBLISH_WINDOW)
    await declare_streams(js)
    step = max(1, events // 10)
    for n, message in enumerate(programme_messages(events, municipalities=municipalities), start=1):
        await js.publish_async(message.subject, message.data, headers=message.headers)
        if n % step == 0:
            _say(progress, f"published {n:,}/{events:,}")
    await js.publish_async_completed()
    held = (await js.stream_info(PUBLIC_STREAM.name)).state.messages
    await nc.close()
    return held


async def _schema(url: str, schema: str, *, drop: bool) -> None:
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE" if drop else f"CREATE SCHEMA {schema}"))
    await admin.dispose()


def _rebuild_in_child(nats_url: str, database_url: str, progress: Callable[..., None] | None) -> dict[str, Any]:
    """Run monitoring's rebuild in a child process; its last line is the JSON of its figures."""
    command = [sys.executable, "-m", "tests.bench.rebuild", "--child", "--nats", nats_url, "--database", database_url]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[2])
    assert child.stdout is not None
    last = ""
    for line in child.stdout:
        last = line.strip()
        if not last.startswith("{"):
            _say(progress, last)
    if child.wait() != 0:
        raise RuntimeError(f"the monitoring rebuild failed (exit {child.returncode})")
    return dict(json.loads(last))


def bench_rebuild(
    events: int,
    postgres_url: str | None = None,
    progress: Callable[..., None] | None = None,
    *,
    municipalities: int = MUNICIPALITIES,
) -> dict[str, Any]:
    """Publish ``events`` programme events (untimed), rebuild monitoring from them in a child process (timed).

    Returns events, seconds, peak_rss_mb (the rebuilding process's), database, rate (events of the stream
    per second), municipalities and what each projection applied.
    """
    with tempfile.TemporaryDirectory(prefix="cantiere-rebuild-") as tmp:
        folder = Path(tmp)
        server = NatsServer(store_dir=folder / "nats", log_file=folder / "nats.log").start()
        schema = f"rebuild_{uuid.uuid4().hex[:10]}"
        try:
            started = time.perf_counter()
            held = asyncio.run(publish_programme(server.url, events, progress, municipalities=municipalities))
            _say(progress, f"{held:,} events in the stream in {time.perf_counter() - started:.1f} s (setup)")
            if postgres_url:
                asyncio.run(_schema(postgres_url, schema, drop=False))
                database_url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
            else:
                database_url = f"sqlite:///{folder / 'monitoring.db'}"
            figures = _rebuild_in_child(server.url, database_url, progress)
        finally:
            if postgres_url:
                asyncio.run(_schema(postgres_url, schema, drop=True))
            server.stop()
    figures.update(events=held, database="postgresql" if postgres_url else "sqlite", municipalities=municipalities)
    figures["rate"] = round(held / figures["seconds"]) if figures["seconds"] else 0
    return figures


def _child(nats_url: str, database_url: str) -> None:
    """The rebuilding process: monitoring's runtime rebuilds every projection; prints progress, then its figures."""
    import resource

    from cantiere_monitoring.bootstrap import build_runtime, load_settings
    from cantiere_runtime.logging import configure_logging

    configure_logging("monitoring", level="INFO", stream=sys.stderr)
    settings = load_settings(
        database_url=database_url, nats={"url": nats_url}, partner=MONITORING, environment="test", log_level="INFO"
    )
    runtime = build_runtime(settings)
    shown: dict[int, int] = {}

    def progress(done: int, total: int) -> None:
        tenth = done * 10 // total if total else 0
        if shown.get(total) != tenth:
            shown[total] = tenth
            print(f"applied {done:,}/{total:,}", flush=True)

    started = time.perf_counter()
    applied = asyncio.run(runtime.rebuild(progress=progress))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(json.dumps({"seconds": round(seconds, 2), "peak_rss_mb": round(peak, 1), "applied": applied}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("events", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL (a schema of its own is made and dropped)")
    parser.add_argument("--municipalities", type=int, default=MUNICIPALITIES, help="referring municipalities")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--nats", help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.nats, args.database)
        return
    say = lambda *news: print(" ", *news, flush=True)  # noqa: E731
    figures = bench_rebuild(args.events, args.postgres, say, municipalities=args.municipalities)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
