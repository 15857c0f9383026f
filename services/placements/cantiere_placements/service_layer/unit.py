"""The shared mechanics of a handler: who acts and when, loading an aggregate, wrapping public events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from cantiere_events import Actor, Envelope, Event, Producer
from cantiere_runtime.db import READ_ONLY
from cantiere_runtime.decider import Decider
from cantiere_runtime.store import CommandContext, EventStore, envelope_for
from cantiere_runtime.unit_of_work import UnitOfWork

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


async def load(store: EventStore, decider: Decider[Any, Any, Event], aggregate_id: str) -> tuple[Any, int]:
    """An aggregate's current state and version, read on its own (commands load through their unit of work)."""
    loaded = await store.load(aggregate_id)
    return decider.fold([r.event for r in loaded.events]), loaded.version


@asynccontextmanager
async def reading(store: EventStore) -> AsyncIterator[UnitOfWork]:
    """A view of the store for reads outside any command: one read-only connection (on SQLite it never takes
    the write lock), never flushed.

    Read helpers take a unit of work as their view, so the same helper reads inside a command's transaction
    (the command's unit) or outside it (this one), and no connection is passed from hand to hand.
    """
    async with store.engine.connect() as conn:
        await conn.execution_options(**READ_ONLY)
        yield UnitOfWork(store, conn)


def wrap_all(
    publics: Sequence[Event], aggregate_id: str, version: int, context: CommandContext, partner: str
) -> list[Envelope]:
    """Envelopes for the public events of one append, with the partner the bus routes them by."""
    return [envelope_for(p, aggregate_id, max(version, 1), context, partner=partner) for p in publics]
