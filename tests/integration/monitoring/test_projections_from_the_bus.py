"""Monitoring projections fed from JetStream: rebuild equals live, and withdrawal holds after a rebuild."""

from __future__ import annotations

from datetime import date
from typing import Any

import nats
from cantiere_events import Event, encode
from cantiere_monitoring.adapters.subscriptions import monitoring_subscriptions
from cantiere_monitoring.bootstrap import COMPONENT
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_runtime.migrate import migrate
from cantiere_runtime.stream_projector import StreamProjector
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.unit.monitoring.history import envelopes, journey, withdrawal
from tests.unit.monitoring.known_history import REFERRED, known_history

BARI = territory_by_code("bari-pilot")


async def publish(nc: nats.NATS, events: list[Event]) -> None:
    """Publish contract events to JetStream as the producers' relays would."""
    js = nc.jetstream()
    for envelope in envelopes(events):
        message = encode(envelope)
        await js.publish(message.subject, message.data, headers=message.headers)


def projectors(engine: AsyncEngine, nc: nats.NATS) -> list[StreamProjector]:
    """One stream projector per monitoring subscription, as the service runtime builds them."""
    return [
        StreamProjector(engine, nc, sub.registry, sub.projection, sub.stream, sub.subjects, sub.durable)
        for sub in monitoring_subscriptions()
    ]


async def figures(engine: AsyncEngine) -> tuple[dict[str, Any], dict[str, Any]]:
    """The published indicators and procedure model of the whole programme."""
    published = Figures(engine, BARI)
    period = published.release()
    return await published.indicators(period), await published.procedure(period)


async def test_monitoring_subscribes_to_public_subjects_only() -> None:
    for sub in monitoring_subscriptions():
        assert all(subject.startswith("cantiere.public.") for subject in sub.subjects)


async def test_a_rebuild_equals_the_live_projection_and_keeps_withdrawals(engine: AsyncEngine, nc: nats.NATS) -> None:
    await migrate(engine, COMPONENT)
    await publish(nc, known_history() + journey(10, REFERRED))
    for projector in projectors(engine, nc):
        await projector.catch_up()
    live = await figures(engine)
    assert live[0]["flows"]["referrals"]["total"] == {"value": 9}

    await publish(nc, [withdrawal(10, date(2009, 6, 1))])
    for projector in projectors(engine, nc):
        await projector.catch_up()
    after_withdrawal = await figures(engine)
    assert after_withdrawal[0]["flows"]["referrals"]["total"] == {"value": 8}

    for projector in projectors(engine, nc):
        await projector.rebuild()
    assert await figures(engine) == after_withdrawal
