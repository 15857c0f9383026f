"""A person's timeline follows the consortium's public events about this municipality's people, and only those."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import nats
from cantiere_events import encode, wrap
from cantiere_events.placements.intake import ReferralAccepted
from cantiere_referrals.entrypoints import views

from .instance import running


async def publish_accepted(nc: nats.NATS, partner: str, person_id: str, referral_id: str) -> None:
    event = ReferralAccepted(
        person_id=person_id, referral_id=referral_id, municipality=partner, accepted_on=date(2026, 3, 12)
    )
    envelope = wrap(event, partner=partner, aggregate_id=person_id, aggregate_version=1, occurred_at=datetime.now(UTC))
    message = encode(envelope)
    await nc.jetstream().publish(message.subject, message.data, headers=message.headers)


async def eventually(probe: Any, timeout: float = 10.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await probe()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.1)


async def test_the_timeline_shows_the_consortiums_events_about_our_people(
    tmp_path: Path, nats_url: str, nc: nats.NATS
) -> None:
    async with running(tmp_path, nats_url) as bari:
        pid = await bari.referred()
        state, _ = await bari.svc.load(pid)
        assert state is not None and state.referral_id is not None
        await publish_accepted(nc, "mola-di-bari", pid, state.referral_id)  # not ours: another partner's subject
        await publish_accepted(nc, "bari", pid, state.referral_id)

        async def both_sources() -> list[dict[str, Any]]:
            rows = await views.timeline(bari.runtime.engine, pid)
            types = {r["event_type"] for r in rows}
            return rows if {"PersonRegistered", "ReferralAccepted"} <= types else []

        rows = await eventually(both_sources)
        found = [r for r in rows if r["event_type"] == "ReferralAccepted"]
        assert len(found) == 1 and found[0]["detail"]["municipality"] == "bari"
        assert "person_id" not in found[0]["detail"]
        assert rows[0]["event_type"] == "PersonRegistered" and rows[-1]["event_type"] == "ReferralAccepted"


async def test_the_timeline_shows_the_consortiums_restricted_clearance_about_our_people(
    tmp_path: Path, nats_url: str, nc: nats.NATS
) -> None:
    import uuid

    from cantiere_events.placements.matching import PlacementSafetyCleared

    async with running(tmp_path, nats_url) as bari:
        pid = await bari.referred()
        state, _ = await bari.svc.load(pid)
        assert state is not None and state.referral_id is not None
        event = PlacementSafetyCleared(
            person_id=pid,
            referral_id=state.referral_id,
            placement_id=str(uuid.uuid4()),
            host_id=str(uuid.uuid4()),
            cleared=True,
        )
        message = encode(
            wrap(event, partner="bari", aggregate_id=pid, aggregate_version=2, occurred_at=datetime.now(UTC))
        )
        assert message.subject.startswith("cantiere.restricted.placements.bari.")
        await nc.jetstream().publish(message.subject, message.data, headers=message.headers)

        async def cleared() -> list[dict[str, Any]]:
            rows = await views.timeline(bari.runtime.engine, pid)
            return [r for r in rows if r["event_type"] == "PlacementSafetyCleared"]

        found = await eventually(cleared)
        assert len(found) == 1 and found[0]["detail"]["cleared"] is True
