"""The relay's pipeline against a real NATS: windows read ahead, many publishes in flight, one per aggregate.

Small windows make a round span several of them, so an aggregate's events fall in different windows and
its later events wait for the earlier ones' acknowledgements across windows.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from typing import Any

import nats
import pytest
from cantiere_runtime.relay import OutboxRelay
from cantiere_runtime.schema import outbox
from cantiere_runtime.store import EventStore
from nats.js.api import PubAck
from nats.js.client import JetStreamContext
from nats.js.errors import APIError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .published import fill, stream_messages
from .sample import REGISTRY

AGGREGATES = 40
PER_AGGREGATE = 6
WINDOW = 32  # 240 rows: a round reads 8 windows


async def _fill(engine: AsyncEngine) -> None:
    await fill(EventStore(engine, REGISTRY), AGGREGATES, PER_AGGREGATE)


async def _outbox(engine: AsyncEngine) -> list[Any]:
    query = select(
        outbox.c.position, outbox.c.event_id, outbox.c.aggregate_id, outbox.c.sent_at, outbox.c.stream_sequence
    ).order_by(outbox.c.position)
    async with engine.connect() as conn:
        return list((await conn.execute(query)).all())


def _in_order_per_aggregate(stream: list[tuple[int, str, str, int]]) -> dict[str, list[int]]:
    seen: dict[str, list[int]] = defaultdict(list)
    for _, _, aggregate, n in stream:
        seen[aggregate].append(n)
    return seen


class _Marks:
    """Records every position the relay is about to mark sent."""

    def __init__(self) -> None:
        self.positions: list[int] = []

    async def __call__(self, positions: list[int]) -> None:
        self.positions.extend(positions)


async def test_many_aggregates_keep_their_order_through_the_pipeline_and_each_row_goes_out_once(
    engine: AsyncEngine, nc: nats.NATS, nats_url: str
) -> None:
    await _fill(engine)
    marks = _Marks()
    relay = OutboxRelay(engine, nc, batch_size=WINDOW, windows_per_round=4, before_mark_sent=marks)
    await relay.drain()

    stream = await stream_messages(nats_url)
    rows = await _outbox(engine)
    assert len(rows) == AGGREGATES * PER_AGGREGATE
    per_aggregate = _in_order_per_aggregate(stream)
    assert per_aggregate == {f"c-{a}": list(range(PER_AGGREGATE)) for a in range(AGGREGATES)}
    assert sorted(e for _, e, _, _ in stream) == sorted(r.event_id for r in rows), "published once each"
    assert Counter(marks.positions) == Counter(r.position for r in rows), "marked sent once each"
    sequence_of = {event_id: seq for seq, event_id, _, _ in stream}
    assert all(r.sent_at is not None and r.stream_sequence == sequence_of[r.event_id] for r in rows)
    assert relay.published == len(rows)
    assert await relay.relay_once() == 0


class _OneFailure:
    """A JetStream context whose publish of one event fails: refused by the server, or stored with its ack lost."""

    def __init__(self, js: JetStreamContext, event_id: str, *, lose_ack: bool) -> None:
        self.js, self.event_id, self.lose_ack = js, event_id, lose_ack

    async def publish_async(
        self, subject: str, payload: bytes = b"", headers: dict[str, str] | None = None, **kw: Any
    ) -> asyncio.Future[PubAck]:
        if headers is None or headers.get("Nats-Msg-Id") != self.event_id:
            return await self.js.publish_async(subject, payload, headers=headers, **kw)
        failed: asyncio.Future[PubAck] = asyncio.get_running_loop().create_future()
        if self.lose_ack:
            await self.js.publish_async(subject, payload, headers=headers, **kw)  # stored; the ack never comes
        else:
            failed.set_exception(APIError(code=503, description="refused by the test"))
        return failed


@pytest.mark.parametrize("lose_ack", [False, True], ids=["refused", "ack-lost"])
async def test_a_publish_failing_mid_window_leaves_the_rest_unsent_and_the_next_round_sends_it_in_order(
    engine: AsyncEngine, nc: nats.NATS, nats_url: str, lose_ack: bool
) -> None:
    await _fill(engine)
    rows = await _outbox(engine)
    failing = [r for r in rows if r.aggregate_id == "c-7"][2]  # its n=2, in the middle of the third window
    relay = OutboxRelay(engine, nc, batch_size=WINDOW, ack_timeout=0.5)
    relay.js = _OneFailure(relay.js, failing.event_id, lose_ack=lose_ack)  # type: ignore[assignment]

    with pytest.raises((APIError, TimeoutError)):
        await relay.relay_once()

    after_failure = await _outbox(engine)
    stream = await stream_messages(nats_url)
    in_stream = {e for _, e, _, _ in stream}
    sent = {r.event_id for r in after_failure if r.sent_at is not None}
    assert failing.event_id not in sent
    assert sent and sent <= in_stream, "only acknowledged rows are marked sent"
    for aggregate in {r.aggregate_id for r in after_failure}:
        flags = [r.sent_at is not None for r in after_failure if r.aggregate_id == aggregate]
        assert flags == sorted(flags, reverse=True), f"{aggregate}: a row marked sent after an unsent one"
    assert _in_order_per_aggregate(stream)["c-7"] == ([0, 1, 2] if lose_ack else [0, 1])
    assert len(stream) == len(in_stream)

    await OutboxRelay(engine, nc, batch_size=WINDOW).drain()  # the next rounds, nothing failing
    final = await stream_messages(nats_url)
    assert [e for _, e, _, _ in final].count(failing.event_id) == 1, "the retry was dropped as a duplicate"
    assert len(final) == AGGREGATES * PER_AGGREGATE == len({e for _, e, _, _ in final})
    assert _in_order_per_aggregate(final) == {f"c-{a}": list(range(PER_AGGREGATE)) for a in range(AGGREGATES)}
    assert all(r.sent_at is not None for r in await _outbox(engine))


async def test_the_relay_goes_on_after_its_database_driver_loses_the_connection(
    engine: AsyncEngine, nc: nats.NATS
) -> None:
    # The window statements go straight to the driver: its own error (psycopg's AdminShutdown when the
    # backend is terminated) arrives unwrapped by SQLAlchemy and must not end the relay task.
    await _fill(engine)
    relay = OutboxRelay(engine, nc, batch_size=WINDOW, max_backoff=0.1)
    real_round, failures = relay._next_round, [1]
    lost = engine.dialect.loaded_dbapi.OperationalError

    async def lost_once() -> Any:
        if failures:
            failures.pop()
            raise lost("terminating connection due to administrator command")
        return await real_round()

    relay._next_round = lost_once  # type: ignore[method-assign]
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        for _ in range(100):
            if task.done() or await relay.pending() == 0:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task
    assert not failures and await relay.pending() == 0
