"""Bari's leaf server (deploy/nats/leaf) keeps accepting referrals while its link to the hub is down.

Bari's referrals service talks to its local leaf (own JetStream domain), whose BARI_OUTBOX stream
acknowledges its events; the hub's streams source that outbox. The leaf link goes down under load
(a proxy on it is cut) and comes back: every event the service queued reaches the hub's streams
exactly once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from cantiere_runtime.bus import (
    PUBLIC_STREAM,
    RESTRICTED_STREAM,
    declare_leaf_outbox,
    declare_streams,
    leaf_outbox,
)
from nats.errors import Error as NatsError

from tests.e2e.processes import until
from tests.integration.referrals.instance import Instance, running

from .ledger import Tally, audit, message_ids, report
from .load import ROUNDS, steady_in_process
from .proxy import Link
from .test_cluster_failover import identity
from .topology import HubAndLeaf

pytestmark = [pytest.mark.slow, pytest.mark.timeout(60 + 40 * ROUNDS)]

STREAMS = (PUBLIC_STREAM.name, RESTRICTED_STREAM.name)

PROCESS = "ambito-bari"  # the pilot runs one referrals process per ambito; Bari's is Bari alone


@pytest_asyncio.fixture
async def link(tmp_path: Path) -> AsyncIterator[tuple[HubAndLeaf, Link]]:
    """The hub and Bari's leaf, the leaf dialling the hub through a link the test can cut."""
    pair = HubAndLeaf(tmp_path / "nats")
    wire = Link(pair.leafnode_port)
    await wire.restore()
    pair.start(link_port=wire.port)
    yield pair, wire
    await wire.cut()
    pair.stop()


async def hub_count(url: str) -> int:
    """How many messages the hub's public and restricted streams hold (0 while the hub is unreachable)."""
    try:
        nc = await nats.connect(url, user="cantiere-admin", password="pw-cantiere-admin", allow_reconnect=False)
    except (NatsError, OSError, TimeoutError):
        return 0
    try:
        js = nc.jetstream(timeout=2)
        return sum([(await js.stream_info(s)).state.messages for s in STREAMS])
    except (NatsError, TimeoutError):
        return 0
    finally:
        await nc.close()


async def test_referrals_are_accepted_while_the_leaf_link_is_down_and_reach_the_hub_after(
    link: tuple[HubAndLeaf, Link], tmp_path: Path, record_property: Any
) -> None:
    servers, wire = link
    hub = await nats.connect(servers.hub.url, user="cantiere-admin", password="pw-cantiere-admin")
    await declare_streams(hub.jetstream(), leaves=((PROCESS, ("bari",)),))
    await hub.close()
    leaf = await nats.connect(servers.leaf.url, **identity(f"referrals-{PROCESS}"))
    assert await declare_leaf_outbox(leaf.jetstream(), PROCESS, ("bari",)) == leaf_outbox(PROCESS, ("bari",)).name
    await leaf.close()

    tally, stop = Tally(), asyncio.Event()
    # On its premises the service reads no consortium projection (the leaf holds only its own outbox).
    own = identity(f"referrals-{PROCESS}")
    async with running(tmp_path, servers.leaf.url, nats=own, follow_consortium=False) as bari:
        load = asyncio.create_task(steady_in_process(bari, tally, stop))
        try:
            for _ in range(ROUNDS):
                await until(lambda: _reached_hub(servers, 10), 30, "events sourced by the hub")
                await wire.cut()
                published = _published(bari)
                await until(
                    lambda p=published: _acknowledged_locally(bari, p + 30), 30, "the leaf acknowledging events"
                )
                # Acknowledged by the leaf, not yet at the hub: held on Bari's premises while the link is down.
                assert await hub_count(servers.hub.url) < await _queued(bari)
                await wire.restore()
        finally:
            stop.set()
            await load
        await until(lambda: _outbox_empty(bari), 30, "the outbox relayed to the leaf")
        queued = await _queued(bari)
        await until(lambda: _reached_hub(servers, queued), 60, "the hub sourcing everything the leaf stored")
        hub = await nats.connect(servers.hub.url, user="cantiere-admin", password="pw-cantiere-admin")
        try:
            in_hub = await message_ids(hub.jetstream(), STREAMS, producer="referrals")
        finally:
            await hub.close()
        figures = await audit(f"leaf link down x{ROUNDS}", tally, bari.runtime.engine, in_hub)
    report(figures, record_property)
    figures.assert_clean()


def _published(bari: Instance) -> int:
    return bari.runtime.relay.published if bari.runtime.relay else 0


async def _acknowledged_locally(bari: Instance, count: int) -> bool:
    return _published(bari) >= count


async def _reached_hub(servers: HubAndLeaf, count: int) -> bool:
    return await hub_count(servers.hub.url) >= count


async def _outbox_empty(bari: Instance) -> bool:
    return bari.runtime.relay is not None and await bari.runtime.relay.pending() == 0


async def _queued(bari: Instance) -> int:
    from .ledger import outbox_ids

    return len(await outbox_ids(bari.runtime.engine))
