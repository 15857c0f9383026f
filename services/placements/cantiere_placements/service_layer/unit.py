"""The shared mechanics of a handler: who acts and when, loading an aggregate, wrapping public events."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cantiere_events import Actor, Envelope, Event, Producer
from cantiere_runtime.decider import Decider
from cantiere_runtime.store import CommandContext, EventStore, envelope_for
from sqlalchemy.ext.asyncio import AsyncConnection

ROME = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class Who:
    """Who gives a command, and when (the clock is read at the edge, never in the domain)."""

    actor: Actor | None
    now: datetime

    @property
    def today(self) -> date:
        """The day in Italy."""
        return self.now.astimezone(ROME).date()

    def context(self, partner: str) -> CommandContext:
        """The metadata of the events this command appends."""
        return CommandContext(partner=partner, producer=Producer.PLACEMENTS, now=self.now, actor=self.actor)


def candidate_id(person_id: str) -> str:
    """The event stream of a candidate."""
    return f"candidate-{person_id}"


def host_stream(host_id: str) -> str:
    """The event stream of a host."""
    return f"host-{host_id}"


def placement_stream(placement_id: str) -> str:
    """The event stream of a placement (and the internship it becomes)."""
    return f"placement-{placement_id}"


async def load(
    store: EventStore, decider: Decider[Any, Any, Event], aggregate_id: str, conn: AsyncConnection | None = None
) -> tuple[Any, int]:
    """An aggregate's current state and version."""
    loaded = await store.load(aggregate_id, conn)
    return decider.fold([r.event for r in loaded.events]), loaded.version


def wrap_all(
    publics: Sequence[Event], aggregate_id: str, version: int, context: CommandContext, partner: str
) -> list[Envelope]:
    """Envelopes for the public events of one append, with the partner the bus routes them by."""
    return [envelope_for(p, aggregate_id, max(version, 1), context, partner=partner) for p in publics]
