"""What a fault run is judged by: acknowledged commands against the service's store and outbox against the stream.

An acknowledged command must have left its events in the service's event store; every public event
of the outbox must be in its stream exactly once (matched by event id, the ``Nats-Msg-Id``); a
projection fed from the stream must equal a rebuild of it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cantiere_runtime.db import create_engine
from cantiere_runtime.schema import events, outbox
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError
from sqlalchemy import MetaData, select
from sqlalchemy.ext.asyncio import AsyncEngine


@dataclass
class Tally:
    """Commands of a load: how many were sent, and the aggregates of those acknowledged."""

    sent: int = 0
    acknowledged: list[str] = field(default_factory=list)
    refused: int = 0  # failed while the fault was on (connection reset, 5xx): never acknowledged


@dataclass(frozen=True)
class Figures:
    """The outcome of one fault scenario, printed in the test report."""

    scenario: str
    sent: int
    acknowledged: int
    found: int
    events_in_outbox: int
    events_in_stream: int
    lost: int
    duplicated: int
    projections_equal_rebuild: bool | None = None

    def line(self) -> str:
        rebuild = {None: "n/a", True: "yes", False: "NO"}[self.projections_equal_rebuild]
        return (
            f"{self.scenario}: commands sent {self.sent}, acknowledged {self.acknowledged}, found {self.found}; "
            f"events outbox {self.events_in_outbox}, stream {self.events_in_stream}, lost {self.lost}, "
            f"duplicated {self.duplicated}; projections equal a rebuild: {rebuild}"
        )

    def assert_clean(self) -> None:
        assert self.found == self.acknowledged, self.line()
        assert self.lost == 0 and self.duplicated == 0, self.line()
        assert self.events_in_outbox == self.events_in_stream, self.line()
        assert self.projections_equal_rebuild in (None, True), self.line()


async def message_ids(js: JetStreamContext, streams: Sequence[str], producer: str | None = None) -> Counter[str]:
    """How many times each ``Nats-Msg-Id`` is stored in these streams (only one producer's, when named)."""
    seen: Counter[str] = Counter()
    for stream in streams:
        state = (await js.stream_info(stream)).state
        if not state.messages:
            continue
        for seq in range(state.first_seq, state.last_seq + 1):
            try:
                msg = await js.get_msg(stream, seq)
            except NotFoundError:
                continue
            tokens = (msg.subject or "").split(".")
            if producer is None or (len(tokens) > 2 and tokens[2] == producer):
                seen[(msg.headers or {}).get("Nats-Msg-Id", f"<no id at {stream}:{seq}>")] += 1
    return seen


async def outbox_ids(engine: AsyncEngine) -> dict[str, str]:
    """Every queued public event of a service: event id -> aggregate id."""
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox.c.event_id, outbox.c.aggregate_id))).all()
    return {event_id: aggregate for event_id, aggregate in rows}


async def stored_aggregates(engine: AsyncEngine) -> Counter[str]:
    """How many events each aggregate has in a service's event store."""
    async with engine.connect() as conn:
        return Counter((await conn.scalars(select(events.c.aggregate_id))).all())


async def audit(
    scenario: str, tally: Tally, engine: AsyncEngine, in_stream: Counter[str], equal_rebuild: bool | None = None
) -> Figures:
    """Judge a run: acknowledged aggregates in the store with all their public events in the stream once."""
    queued = await outbox_ids(engine)
    stored = await stored_aggregates(engine)
    missing = {event_id for event_id in queued if in_stream[event_id] == 0}
    incomplete = {queued[event_id] for event_id in missing}
    # A command acknowledged about an aggregate left at least one event there: each aggregate must hold at
    # least as many events as commands acknowledged about it, and all its public events must be in the stream.
    acknowledged = Counter(tally.acknowledged)
    found = sum(min(n, stored[a]) for a, n in acknowledged.items() if a not in incomplete)
    duplicated = sum(n - 1 for n in in_stream.values() if n > 1)
    strangers = sum(1 for event_id in in_stream if event_id not in queued)  # in the stream, from no outbox
    return Figures(
        scenario=scenario,
        sent=tally.sent,
        acknowledged=len(tally.acknowledged),
        found=found,
        events_in_outbox=len(queued),
        events_in_stream=sum(in_stream.values()),
        lost=len(missing),
        duplicated=duplicated + strangers,
        projections_equal_rebuild=equal_rebuild,
    )


async def table_rows(url: str, metadata: MetaData, skip: Iterable[str] = ()) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of a service's own tables, sorted: what a projection holds, to compare with its rebuild."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {
                table.name: sorted(map(tuple, (await conn.execute(select(table))).all()), key=repr)
                for table in metadata.sorted_tables
                if table.name not in set(skip)
            }
    finally:
        await engine.dispose()


def differences(
    live: dict[str, list[tuple[Any, ...]]], rebuilt: dict[str, list[tuple[Any, ...]]]
) -> dict[str, dict[str, list[tuple[Any, ...]]]]:
    """Per table that differs, the rows only the live read model has and those only its rebuild has."""
    return {
        table: {
            "only live": sorted(set(rows) - set(rebuilt.get(table, [])), key=repr),
            "only rebuilt": sorted(set(rebuilt.get(table, [])) - set(rows), key=repr),
        }
        for table, rows in live.items()
        if rows != rebuilt.get(table)
    }


FIGURES = "fault_figures"


def report(figures: Figures, record_property: Callable[[str, object], None]) -> None:
    """Print the figures (seen with -s) and attach them to the test report (the fault summary lists them)."""
    print(f"\n[faults] {figures.line()}")
    record_property(FIGURES, figures.line())
