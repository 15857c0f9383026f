"""A tiny invented domain to exercise the runtime: counters that tick, with a public event per tick."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from cantiere_events import Actor, Event, EventRegistry, Producer, PublicEvent
from cantiere_runtime.store import CommandContext, Recorded
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

REGISTRY = EventRegistry("sample")


@REGISTRY.register
class CounterTicked(Event):
    """A counter moved by one (private)."""

    event_type = "CounterTicked"
    n: int


@REGISTRY.register
class CounterTickedPublicly(PublicEvent):
    """A counter moved by one (sample, public)."""

    event_type = "CounterTickedPublicly"
    producer = Producer.REFERRALS
    n: int


def context(partner: str = "testville") -> CommandContext:
    return CommandContext(
        partner=partner,
        producer=Producer.REFERRALS,
        now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        actor=Actor(user_id="u-1", role="social_worker"),
    )


read_metadata = MetaData()


def _ticks_table(name: str) -> Table:
    return Table(
        name,
        read_metadata,
        Column("aggregate_id", String(64), primary_key=True),
        Column("count", Integer, nullable=False),
        Column("last_n", Integer, nullable=False),
    )


ticks = _ticks_table("sample_ticks")
public_ticks = _ticks_table("sample_public_ticks")


class TicksPerCounter:
    """How many ticks each counter received, and the last n seen (a read model for the tests)."""

    def __init__(self, fail_on: int | None = None, table: Table = ticks, name: str = "ticks_per_counter") -> None:
        self.fail_on = fail_on
        self.table = table
        self.tables = (table,)
        self.name = name

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        event = recorded.event
        assert isinstance(event, (CounterTicked, CounterTickedPublicly))
        if self.fail_on is not None and event.n == self.fail_on:
            raise RuntimeError("projection bug on purpose")
        agg = recorded.metadata.aggregate_id
        table = self.table
        row = (await conn.execute(select(table).where(table.c.aggregate_id == agg))).first()
        if row is None:
            await conn.execute(table.insert().values(aggregate_id=agg, count=1, last_n=event.n))
        else:
            await conn.execute(
                table.update().where(table.c.aggregate_id == agg).values(count=row.count + 1, last_n=event.n)
            )


class TicksPerCounterInBatches(TicksPerCounter):
    """The same read model, applying a batch in one go: its counters' rows read once, each table written once."""

    async def apply_batch(self, conn: AsyncConnection, events: Sequence[Recorded]) -> None:
        table = self.table
        counters = {r.metadata.aggregate_id for r in events}
        rows = await conn.execute(select(table).where(table.c.aggregate_id.in_(counters)))
        stored = {row.aggregate_id: (row.count, row.last_n) for row in rows}
        changed: dict[str, tuple[int, int]] = {}
        for recorded in events:
            event = recorded.event
            assert isinstance(event, (CounterTicked, CounterTickedPublicly))
            if self.fail_on is not None and event.n == self.fail_on:
                raise RuntimeError("projection bug on purpose")
            agg = recorded.metadata.aggregate_id
            count = (changed.get(agg) or stored.get(agg) or (0, 0))[0]
            changed[agg] = (count + 1, event.n)
        updates = [{"agg": agg, "c": c, "n": n} for agg, (c, n) in changed.items() if agg in stored]
        inserts = [
            {"aggregate_id": agg, "count": c, "last_n": n} for agg, (c, n) in changed.items() if agg not in stored
        ]
        if updates:
            where = table.c.aggregate_id == bindparam("agg")
            await conn.execute(table.update().where(where).values(count=bindparam("c"), last_n=bindparam("n")), updates)
        if inserts:
            await conn.execute(table.insert(), inserts)


async def read_ticks(conn: AsyncConnection, table: Table = ticks) -> dict[str, tuple[int, int]]:
    rows = (await conn.execute(select(table).order_by(table.c.aggregate_id))).all()
    return {r.aggregate_id: (r.count, r.last_n) for r in rows}
