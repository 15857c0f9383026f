"""A three-node JetStream cluster (the committed deploy/nats/cluster configs) loses a node under load.

Bari's referrals service runs in process, connected to every node; monitoring projects the public
stream. One node is SIGKILLed while people are being referred, and restarted later. No acknowledged
event is lost or duplicated, and monitoring's projections equal a rebuild from the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import nats
import pytest
import pytest_asyncio
from cantiere_monitoring.bootstrap import COMPONENT as MONITORING
from cantiere_monitoring.bootstrap import build_runtime as monitoring_runtime
from cantiere_monitoring.bootstrap import load_settings as monitoring_settings
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM, declare_streams, server_urls
from cantiere_runtime.nats_server import NatsServer
from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.service import ServiceRuntime
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.errors import NotFoundError

from tests.e2e.processes import until
from tests.integration.deploy.conftest import password_of
from tests.integration.referrals.instance import Instance, running

from .ledger import Tally, audit, differences, message_ids, report, table_rows
from .load import ROUNDS, steady_in_process
from .topology import Cluster

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90 + 45 * ROUNDS)]

STREAMS = (PUBLIC_STREAM.name, RESTRICTED_STREAM.name)


def identity(user: str) -> dict[str, Any]:
    """A service's NATS identity on the committed accounts: its user, password and own inbox prefix."""
    return {"user": user, "password": password_of(user), "inbox_prefix": f"_INBOX_{user}"}


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    running_cluster = Cluster(tmp_path / "cluster").start()
    yield running_cluster
    running_cluster.stop()


@pytest_asyncio.fixture
async def admin(cluster: Cluster) -> AsyncIterator[Client]:
    """The bootstrap identity, with the streams declared at three replicas once the cluster has a leader."""
    nc = await nats.connect(servers=server_urls(cluster.url), user="cantiere-admin", password="pw-cantiere-admin")

    async def declared() -> bool:
        try:
            await declare_streams(nc.jetstream(timeout=2), replicas=3)
        except (NatsError, TimeoutError):
            return False
        return True

    await until(declared, 30, "the cluster to accept R3 streams")
    await until(lambda: every_replica_current(nc.jetstream(timeout=2)), 30, "every stream with a leader and replicas")
    yield nc
    await nc.close()


async def stream_leader(js: Any, stream: str) -> str:
    info = await js.stream_info(stream)
    assert info.cluster is not None and info.config.num_replicas == 3
    return str(info.cluster.leader)


async def every_replica_current(js: Any) -> bool:
    try:
        for stream in STREAMS:
            info = await js.stream_info(stream)
            replicas = info.cluster.replicas or []
            if info.cluster.leader is None or len(replicas) != 2 or not all(r.current for r in replicas):
                return False
    except (NatsError, TimeoutError):
        return False
    return True


def node_named(cluster: Cluster, server_name: str) -> NatsServer:
    return cluster.nodes[int(server_name.rsplit("-", 1)[-1]) - 1]


def node_of_client(cluster: Cluster, nc: Client) -> NatsServer:
    assert nc.connected_url is not None
    return next(n for n in cluster.nodes if n.port == nc.connected_url.port)


async def last_sequences(js: Any, runtime: ServiceRuntime) -> dict[str, int]:
    """Per projection, the stream sequence of the last message its subjects take (0 when none): the
    server's last message by subject, which takes a wildcard filter."""
    last = {}
    for sub in runtime.subscriptions:
        found = [0]
        for subject in sub.subjects:
            with contextlib.suppress(NotFoundError):
                found.append((await js.get_last_msg(sub.stream, subject)).seq)
        last[sub.projection.name] = max(found)
    return last


async def applied_up_to(runtime: ServiceRuntime, last: dict[str, int]) -> bool:
    """Whether each projection's committed checkpoint has reached the last message of its subjects."""
    checkpoints = Checkpoints(runtime.engine)
    for name, seq in last.items():
        if await checkpoints.get(name) < seq:
            return False
    return True


async def projected(nc: Client, runtime: ServiceRuntime) -> bool:
    """Whether every monitoring consumer has delivered and had acked all it holds."""
    js = nc.jetstream()
    try:
        for sub in runtime.subscriptions:
            info = await js.consumer_info(sub.stream, sub.durable)
            if info.num_pending or info.num_ack_pending:
                return False
    except (NatsError, TimeoutError):
        return False
    return True


async def test_an_r3_cluster_loses_a_node_under_load_and_nothing_acknowledged_is_lost(
    cluster: Cluster, admin: Client, tmp_path: Path, record_property: Any
) -> None:
    js = admin.jetstream(timeout=5)
    live_db = f"sqlite:///{tmp_path / 'monitoring.db'}"
    monitoring_nats = {"url": cluster.url, **identity("monitoring-cabina-di-regia")}
    monitoring = monitoring_runtime(
        monitoring_settings(partner="cabina-di-regia", database_url=live_db, environment="test", nats=monitoring_nats)
    )
    await monitoring.start()
    tally, stop = Tally(), asyncio.Event()
    killed: list[str] = []
    async with running(tmp_path, cluster.url, nats=identity("referrals-ambito-bari")) as bari:
        load = asyncio.create_task(steady_in_process(bari, tally, stop))
        try:
            for round_ in range(ROUNDS):
                await _lose_a_node(cluster, js, bari, tally, round_, killed)
        finally:
            stop.set()
            await load
        await until(lambda: every_replica_current(js), 30, "every replica current after the restart")
        # The service's own relay publishes what is left, retrying through elections as it does in production.
        await until(lambda: _outbox_empty(bari), 60, "the outbox relayed")
        in_stream = await message_ids(js, STREAMS, producer="referrals")
        # The consumers' counts alone are not enough: a projector between two tries (its consumer being created
        # again during an election) can show nothing pending while it has not applied what is in the stream.
        last = await last_sequences(js, monitoring)
        await until(lambda: applied_up_to(monitoring, last), 60, "monitoring to apply every public event")
        await until(lambda: projected(admin, monitoring), 30, "monitoring to project every public event")
        await monitoring.stop()
        live = await table_rows(live_db, MONITORING.metadata)
        rebuilt_db = f"sqlite:///{tmp_path / 'monitoring-rebuilt.db'}"
        rebuild = monitoring_runtime(
            monitoring_settings(
                partner="cabina-di-regia", database_url=rebuilt_db, environment="test", nats=monitoring_nats
            )
        )
        await rebuild.rebuild()
        rebuilt = await table_rows(rebuilt_db, MONITORING.metadata)
        figures = await audit(
            f"cluster R3, node killed x{ROUNDS} ({', '.join(killed)})",
            tally,
            bari.runtime.engine,
            in_stream,
            equal_rebuild=live == rebuilt,
        )
    report(figures, record_property)
    assert live["monitoring_person_journeys"], "monitoring projected nobody"
    assert differences(live, rebuilt) == {}, "monitoring's read model differs from its rebuild"
    figures.assert_clean()


async def _lose_a_node(cluster: Cluster, js: Any, bari: Instance, tally: Tally, round_: int, killed: list[str]) -> None:
    """Kill a node (the public stream's leader, or the node Bari's client uses) under load, then restart it."""
    start = len(tally.acknowledged)
    await until(lambda: _grown(tally, start + 20), 30, "load before the fault")
    assert bari.runtime.nc is not None
    if round_ % 2 == 0:
        victim = node_named(cluster, await stream_leader(js, PUBLIC_STREAM.name))
        why = "stream leader"
    else:
        victim = node_of_client(cluster, bari.runtime.nc)
        why = "Bari's node"
    victim.kill()
    killed.append(f"{why} :{victim.port}")
    during = len(tally.acknowledged)
    # Commands keep being accepted, and the relay keeps publishing to the two nodes left.
    await until(lambda: _grown(tally, during + 20), 30, "commands accepted while a node is down")
    published = bari.runtime.relay.published if bari.runtime.relay else 0
    await until(lambda: _published_more(bari, published + 10), 30, "the relay publishing with a node down")
    victim.start()
    await until(lambda: every_replica_current(js), 30, "the restarted node to catch up")


async def _outbox_empty(bari: Instance) -> bool:
    return bari.runtime.relay is not None and await bari.runtime.relay.pending() == 0


async def _grown(tally: Tally, size: int) -> bool:
    return len(tally.acknowledged) >= size


async def _published_more(bari: Instance, count: int) -> bool:
    return bari.runtime.relay is not None and bari.runtime.relay.published >= count
