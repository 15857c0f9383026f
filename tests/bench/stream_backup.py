"""Backing up the public stream and restoring it into an empty server, beside raw replay and publish."""

from __future__ import annotations

import time
from pathlib import Path

import nats
from cantiere_runtime.backup_streams import backup_stream, restore_stream
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.nats_server import NatsServer

from tests.bench.catch_up import raw_replay
from tests.bench.figures import Figures

JETSTREAM = "jetstream"


async def bench_stream_backup(figures: Figures, nats_url: str, folder: Path) -> None:
    nc = await nats.connect(nats_url)
    js = nc.jetstream()
    total = (await js.stream_info(PUBLIC_STREAM.name)).state.messages
    baseline = await raw_replay(js, "raw-backup-replay", total, batch=500)
    started = time.perf_counter()
    copy = await backup_stream(js, PUBLIC_STREAM.name, folder / "backup")
    figures.rate("backup", JETSTREAM, copy.messages / (time.perf_counter() - started), baseline)
    await nc.close()
    empty = NatsServer(store_dir=folder / "nats-restored").start()
    try:
        nc = await nats.connect(empty.url)
        js = nc.jetstream()
        await js.add_stream(name="RAW", subjects=["raw.>"])
        started = time.perf_counter()
        for i in range(total):
            await js.publish_async(f"raw.{i}", b"x" * 200, headers={"Nats-Msg-Id": f"raw-{i}"})
        await js.publish_async_completed()
        baseline = total / (time.perf_counter() - started)
        started = time.perf_counter()
        restored = await restore_stream(js, folder / "backup" / f"{PUBLIC_STREAM.name}.jsonl")
        figures.rate("restore", JETSTREAM, restored.messages / (time.perf_counter() - started), baseline)
        await nc.close()
    finally:
        empty.stop()
