"""Which hosts have ever reserved a place (for one person, if asked), read from the event store itself."""

from __future__ import annotations

from cantiere_runtime.schema import events
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.domain import events as ev
from cantiere_placements.service_layer.unit import host_stream

HOST_PREFIX = host_stream("")  # a host's stream name is this prefix and its id


async def hosts_with_reservations(conn: AsyncConnection, person_id: str | None = None) -> list[str]:
    """Host ids whose stream records a reservation (of ``person_id``, if given); whether it still holds is
    for the host's own history to say. Read from the store, so nothing lags behind a committed command."""
    query = select(events.c.aggregate_id).where(events.c.event_type == ev.HostPlaceReserved.event_type)
    if person_id is not None:
        query = query.where(events.c.payload["person_id"].as_string() == person_id)
    found = await conn.scalars(query.distinct())
    return sorted(a.removeprefix(HOST_PREFIX) for a in found if a.startswith(HOST_PREFIX))
