"""PostgreSQL drops the referrals service's connections under load (only where CANTIERE_TEST_POSTGRES_URL is set).

Every backend of the service is terminated (pg_terminate_backend), as a failover or a restarted database
would; commands in flight fail and are not acknowledged, the rest must all be found, and every queued
public event must still reach the stream exactly once (the relay survives the lost connection).
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import pytest
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.db import create_engine
from sqlalchemy import text

from tests.conftest import POSTGRES_URL
from tests.e2e.processes import until
from tests.integration.referrals.instance import Instance, running

from .ledger import Tally, audit, message_ids, report
from .load import ROUNDS, refer_in_process

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="CANTIERE_TEST_POSTGRES_URL is not set"),
    pytest.mark.timeout(60 + 30 * ROUNDS),
]


async def admin(statement: str, **params: Any) -> Any:
    engine = create_engine(str(POSTGRES_URL))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(text(statement), params)
            return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()


async def tolerant_load(instance: Instance, tally: Tally, stop: asyncio.Event) -> None:
    """Refer people until ``stop``; a command that fails on the lost connection is simply not acknowledged."""
    while not stop.is_set():
        try:
            await refer_in_process(instance, tally)
        except Exception:  # the database connection was cut under it
            tally.refused += 1
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.01)


async def test_terminated_database_connections_lose_no_acknowledged_command(
    nats_url: str, tmp_path: Path, record_property: Any
) -> None:
    schema, name = f"f_{uuid.uuid4().hex[:12]}", f"cantiere-fault-{uuid.uuid4().hex[:8]}"
    await admin(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in str(POSTGRES_URL) else "?"
    url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}%20-capplication_name%3D{name}"
    tally, stop = Tally(), asyncio.Event()
    try:
        async with running(tmp_path, nats_url, database_url=url) as bari:
            load = asyncio.create_task(tolerant_load(bari, tally, stop))
            try:
                for _ in range(ROUNDS):
                    start = len(tally.acknowledged)
                    await until(lambda s=start: _grown(tally, s + 20), 30, "load before the fault")
                    cut = await admin(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name",
                        name=name,
                    )
                    assert cut, "no connection of the service to terminate"
                    after = len(tally.acknowledged)
                    await until(lambda a=after: _grown(tally, a + 20), 30, "commands accepted again")
            finally:
                stop.set()
                await load
            assert bari.runtime.relay is not None
            relay = bari.runtime.relay
            await until(lambda: _relayed(relay), 30, "the outbox relayed after the lost connections")
            assert bari.runtime.nc is not None
            in_stream = await message_ids(
                bari.runtime.nc.jetstream(), (PUBLIC_STREAM.name, RESTRICTED_STREAM.name), producer="referrals"
            )
            figures = await audit(f"PostgreSQL connections terminated x{ROUNDS}", tally, bari.runtime.engine, in_stream)
    finally:
        await admin(f"DROP SCHEMA {schema} CASCADE")
    report(figures, record_property)
    figures.assert_clean()


async def _grown(tally: Tally, size: int) -> bool:
    return len(tally.acknowledged) >= size


async def _relayed(relay: Any) -> bool:
    try:
        return await relay.pending() == 0
    except Exception:
        return False
