"""A service runtime end to end: commands commit, the relay publishes, projections follow, rebuild matches."""

from __future__ import annotations

import asyncio
from pathlib import Path

from cantiere_runtime.bus import PUBLIC_STREAM, NatsSettings
from cantiere_runtime.db import create_engine
from cantiere_runtime.service import ServiceRuntime, StreamSubscription
from cantiere_runtime.settings import ServiceSettings

from .sample import (
    REGISTRY,
    CounterTicked,
    CounterTickedPublicly,
    TicksPerCounter,
    context,
    public_ticks,
    read_metadata,
    read_ticks,
)


def public_ticks_projection() -> TicksPerCounter:
    """The same read model, fed from the bus instead of the local store, in its own table."""
    return TicksPerCounter(table=public_ticks, name="public_ticks")


async def test_a_running_service_publishes_projects_and_rebuilds_to_the_same_view(
    tmp_path: Path, nats_url: str
) -> None:
    url = f"sqlite:///{tmp_path / 'svc.db'}"
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)
    await engine.dispose()
    settings = ServiceSettings(partner="testville", database_url=url, nats=NatsSettings(url=nats_url))
    runtime = ServiceRuntime(
        name="sample",
        settings=settings,
        registry=REGISTRY,
        local_projections=[TicksPerCounter()],
        subscriptions=[
            StreamSubscription(
                public_ticks_projection(), PUBLIC_STREAM.name, ["cantiere.public.>"], "sample-public", REGISTRY
            )
        ],
    )
    await runtime.start()
    try:
        for n in range(3):
            await runtime.store.append("c-1", n, [CounterTicked(n=n)], [CounterTickedPublicly(n=n)], context=context())
            runtime.committed()
        for _ in range(100):
            if (
                runtime.relay
                and runtime.relay.published == 3
                and runtime.stream_projectors[0].applied == 3
                and (runtime.local_projector and runtime.local_projector.applied == 3)
            ):
                break
            await asyncio.sleep(0.05)
        assert runtime.relay is not None and runtime.relay.published == 3
        assert runtime.stream_projectors[0].applied == 3
        async with runtime.engine.connect() as conn:
            live = (await read_ticks(conn), await read_ticks(conn, public_ticks))
    finally:
        await runtime.stop()
    assert live == ({"c-1": (3, 2)}, {"c-1": (3, 2)})
    rebuilt = await ServiceRuntime(
        name="sample",
        settings=settings,
        registry=REGISTRY,
        local_projections=[TicksPerCounter()],
        subscriptions=runtime.subscriptions,
    ).rebuild()
    assert rebuilt == {"ticks_per_counter": 3, "public_ticks": 3}
    engine = create_engine(url)
    async with engine.connect() as conn:
        assert (await read_ticks(conn), await read_ticks(conn, public_ticks)) == live
    await engine.dispose()
