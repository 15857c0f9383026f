"""Outbox rows to relay and what reached the public stream: shared by the relay's tests."""

from __future__ import annotations

import nats
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.store import EventStore

from .sample import REGISTRY, CounterTicked, CounterTickedPublicly, context


async def fill(store: EventStore, aggregates: int, per_aggregate: int, start: int = 0) -> None:
    """Each aggregate's ticks spread over the outbox: c-0 n=start, c-1 n=start, ..., c-0 n=start+1, ..."""
    for n in range(start, start + per_aggregate):
        for a in range(aggregates):
            await store.append(f"c-{a}", n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())


async def stream_messages(url: str) -> list[tuple[int, str, str, int]]:
    """(stream sequence, event id, aggregate id, n) of every message in the public stream, in stream order."""
    nc = await nats.connect(url)
    js = nc.jetstream()
    info = await js.stream_info(PUBLIC_STREAM.name)
    out = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        msg = await js.get_msg(PUBLIC_STREAM.name, seq)
        assert msg.headers is not None
        tick = REGISTRY.load("CounterTickedPublicly", 1, msg.data)
        out.append((seq, msg.headers["Nats-Msg-Id"], msg.headers["ce-aggregateid"], tick.n))  # type: ignore[attr-defined]
    await nc.close()
    return out
