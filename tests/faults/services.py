"""The programme's service processes under load: what the process fault tests share."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import nats
from cantiere_monitoring.bootstrap import COMPONENT as MONITORING
from cantiere_placements.bootstrap import COMPONENT as PLACEMENTS
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.db import create_engine
from cantiere_runtime.schema import events, outbox
from nats.errors import Error as NatsError
from sqlalchemy import select

from tests.e2e.processes import Fleet, Service, until

from .ledger import Figures, Tally, audit, differences, message_ids, table_rows
from .load import refer_over_http

STREAMS = (PUBLIC_STREAM.name, RESTRICTED_STREAM.name)


def database_url(service: Service) -> str:
    return service.env["CANTIERE_DATABASE_URL"]


async def steady_over_http(http: httpx.AsyncClient, bari: Service, tally: Tally, stop: asyncio.Event) -> None:
    """Refer people through Bari's API until ``stop``; while it is down, keep knocking (bounded by ``stop``)."""
    while not stop.is_set():
        refused = tally.refused
        await refer_over_http(http, bari.url, tally)
        await asyncio.sleep(0.2 if tally.refused > refused else 0.01)


@asynccontextmanager
async def load_on(http: httpx.AsyncClient, bari: Service, tally: Tally) -> AsyncIterator[None]:
    """Steady load for the duration of the block."""
    stop = asyncio.Event()
    task = asyncio.create_task(steady_over_http(http, bari, tally, stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def acknowledged_more(tally: Tally, count: int, timeout: float = 60) -> None:
    """Wait until ``count`` more commands were acknowledged."""
    target = len(tally.acknowledged) + count

    async def grown() -> bool:
        return len(tally.acknowledged) >= target

    await until(grown, timeout, f"{count} more acknowledged commands")


async def consumers_idle(nats_url: str) -> bool:
    """Whether every durable consumer of the streams has delivered all and been acked for all."""
    try:
        nc = await nats.connect(nats_url, allow_reconnect=False)
    except (NatsError, OSError, TimeoutError):
        return False
    try:
        js = nc.jetstream(timeout=2)
        for stream in STREAMS:
            for info in await js.consumers_info(stream):
                if info.num_pending or info.num_ack_pending:
                    return False
        return True
    except (NatsError, TimeoutError):
        return False
    finally:
        await nc.close()


async def settled_audit(scenario: str, processes: Fleet, nats_url: str, tally: Tally) -> Figures:
    """Wait for Bari's outbox to be relayed and every consumer to be idle, then judge the run so far."""
    engine = create_engine(database_url(processes.services["bari"]))
    try:

        async def relayed() -> bool:
            async with engine.connect() as conn:
                pending = (await conn.execute(select(outbox.c.position).where(outbox.c.sent_at.is_(None)))).first()
                queued = (await conn.execute(select(outbox.c.position))).first()
            return pending is None and queued is not None

        await until(relayed, 60, "Bari's outbox relayed")
        await until(lambda: consumers_idle(nats_url), 60, "every consumer caught up")
        nc = await nats.connect(nats_url)
        try:
            in_stream = await message_ids(nc.jetstream(), STREAMS, producer="referrals")
        finally:
            await nc.close()
        return await audit(scenario, tally, engine, in_stream)
    finally:
        await engine.dispose()


async def intake_duplicates(placements: Service) -> int:
    """Candidate events the consortium's intake appended twice for one referrals event (same causation)."""
    engine = create_engine(database_url(placements))
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(events.c.aggregate_id, events.c.event_type, events.c.metadata))).all()
    finally:
        await engine.dispose()
    seen = Counter(
        (aggregate, kind, meta.get("causation_id")) for aggregate, kind, meta in rows if meta.get("causation_id")
    )
    return sum(n - 1 for n in seen.values() if n > 1)


async def projections_equal_rebuild(processes: Fleet) -> tuple[dict[str, Any], int]:
    """Stop the fleet, snapshot placements' and monitoring's read models, rebuild them as an operator does
    (``python -m <service> rebuild``), snapshot again: the differences (empty when equal) and the rows compared."""
    processes.stop()
    s = processes.services
    targets = (("placements", PLACEMENTS.metadata), ("monitoring", MONITORING.metadata))
    before = {name: await table_rows(database_url(s[name]), metadata) for name, metadata in targets}
    for name, _ in targets:
        code = s[name].spawn("rebuild").wait(timeout=90)
        assert code == 0, f"{name} rebuild exited with {code}:\n{s[name].log_tail()}"
    after = {name: await table_rows(database_url(s[name]), metadata) for name, metadata in targets}
    found = {
        f"{name}.{table}": rows
        for name, tables in before.items()
        for table, rows in differences(tables, after[name]).items()
    }
    return found, sum(len(rows) for tables in before.values() for rows in tables.values())
