"""Applying a batch in one go leaves the read model exactly as applying its events one by one (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cantiere_events import wrap
from cantiere_runtime.projector import Checkpoints, apply_all, reset
from cantiere_runtime.store import Recorded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from .sample import (
    CounterTickedPublicly,
    TicksPerCounter,
    TicksPerCounterInBatches,
    public_ticks,
    read_metadata,
    read_ticks,
    ticks,
)

WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def _recorded(ticks_: list[tuple[str, int]]) -> list[Recorded]:
    events = []
    for position, (counter, n) in enumerate(ticks_, start=1):
        envelope = wrap(CounterTickedPublicly(n=n), partner="testville", aggregate_id=counter,
                        aggregate_version=position, occurred_at=WHEN)  # fmt: skip
        events.append(Recorded(envelope.payload, envelope.metadata, position))
    return events


# A programme of ticks over a few counters, cut into batches of any sizes; counters already seen in the
# database before a batch and counters new to it, several ticks of one counter in one batch.
programmes = st.lists(st.tuples(st.sampled_from(["c-0", "c-1", "c-2", "c-3"]), st.integers(0, 50)), max_size=40)
cuts = st.lists(st.integers(1, 12), min_size=1, max_size=40)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme=programmes, sizes=cuts)
async def test_a_batch_applied_in_one_go_equals_its_events_applied_one_by_one(
    engine: AsyncEngine, programme: list[tuple[str, int]], sizes: list[int]
) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)
    one_by_one = TicksPerCounter(table=ticks, name="one_by_one")
    in_batches = TicksPerCounterInBatches(table=public_ticks, name="in_batches")
    for projection in (one_by_one, in_batches):
        await reset(engine, projection)
    events = _recorded(programme)
    for recorded in events:
        async with engine.begin() as conn:
            await one_by_one.apply(conn, recorded)
    start = 0
    for size in sizes * (len(events) // max(1, sum(sizes)) + 1):
        if start >= len(events):
            break
        async with engine.begin() as conn:
            await apply_all(conn, in_batches, events[start : start + size])
            await Checkpoints.set(conn, in_batches.name, events[min(len(events), start + size) - 1].position)
        start += size
    async with engine.connect() as conn:
        assert await read_ticks(conn, public_ticks) == await read_ticks(conn, ticks)


async def test_a_batch_that_fails_part_way_changes_nothing(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(read_metadata.create_all)
    projection = TicksPerCounterInBatches(fail_on=3)
    events = _recorded([("c-0", 1), ("c-1", 2), ("c-0", 3), ("c-2", 4)])
    with pytest.raises(RuntimeError, match="on purpose"):
        async with engine.begin() as conn:
            await apply_all(conn, projection, events)
    async with engine.connect() as conn:
        assert await read_ticks(conn) == {}
