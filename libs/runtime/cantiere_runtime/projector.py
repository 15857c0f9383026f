"""Projections: read models built from the bus (or the local store), applied exactly once.

A projection's rows and its checkpoint (the stream sequence, or the local store
position) are committed in one transaction, and the message is acknowledged only
after the commit. A message at or below the checkpoint is acknowledged and
skipped, so a redelivery or a crash between commit and ack changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import structlog
from cantiere_events import EventRegistry
from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_runtime.logging import bound
from cantiere_runtime.schema import checkpoints
from cantiere_runtime.store import Recorded

log = structlog.get_logger("cantiere.projector")

Progress = Callable[[int, int], None]


def bound_to(recorded: Recorded) -> AbstractContextManager[None]:
    """Bind an event's ids (event, correlation, causation) to every log line while it is applied."""
    meta = recorded.metadata
    return bound(event_id=meta.event_id, correlation_id=meta.correlation_id, causation_id=meta.causation_id)


def applied(projection: str, recorded: Recorded) -> None:
    """A debug line per event applied, with the event's ids bound (CANTIERE_LOG_LEVEL=DEBUG to see them)."""
    log.debug("projection_applied", projection=projection, event_type=recorded.metadata.event_type,
              position=recorded.position)  # fmt: skip


class Projection(Protocol):
    """A read model: a name (what question it answers), its tables, and how one event changes them."""

    name: str
    tables: Sequence[Table]
    # Optional: ``fail_closed = True`` on a projection whose events protect people (safety
    # constraints, consent, erasure): it then stops on an event it cannot apply instead of
    # dead-lettering it and moving on (see StreamProjector); ``fail_closed_types`` (event type
    # names) narrows that to the types that protect, e.g. withdrawals but not grants.

    # Optional: ``async def apply_batch(self, conn, events: Sequence[Recorded]) -> None`` changes the read
    # model for several events, in order, inside the caller's transaction, with exactly the result of
    # ``apply`` called for each one (accumulating row changes in memory and writing each table once).
    # Projectors use it when present (see ``apply_all``); a failing batch is retried one event at a time.

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Change the read model for one event, inside the caller's transaction."""


async def apply_all(conn: AsyncConnection, projection: Projection, events: Sequence[Recorded]) -> None:
    """Apply events in order inside the caller's transaction: in one go where the projection can, else one by one.

    One by one, each event's ids are bound to the log lines written while it is applied. In one go, the same
    debug line per event, with its ids, is written after the batch (only when debug lines are wanted: binding
    ids per event costs more than applying it).
    """
    if not events:
        return
    batch = getattr(projection, "apply_batch", None)
    if batch is not None:
        await batch(conn, events)
        if log.is_enabled_for(logging.DEBUG):
            for recorded in events:
                with bound_to(recorded):
                    applied(projection.name, recorded)
        return
    for recorded in events:
        with bound_to(recorded):
            await projection.apply(conn, recorded)
            applied(projection.name, recorded)


@dataclass
class Checkpoints:
    """Where each projection stands, stored beside its rows."""

    engine: AsyncEngine

    async def get(self, name: str, conn: AsyncConnection | None = None) -> int:
        """The last position applied by a projection (0 if none)."""
        query = select(checkpoints.c.position).where(checkpoints.c.projection == name)
        if conn is not None:
            return int(await conn.scalar(query) or 0)
        async with self.engine.connect() as fresh:
            return int(await fresh.scalar(query) or 0)

    @staticmethod
    async def set(conn: AsyncConnection, name: str, position: int) -> None:
        """Record a projection's new position, in the caller's transaction (it flows again: not blocked)."""
        await Checkpoints._upsert(conn, name, {"position": position, "blocked_at": None})

    @staticmethod
    async def block(conn: AsyncConnection, name: str, position: int) -> None:
        """Record that a fail-closed projection is stopped at ``position`` (cleared by the next ``set``)."""
        await Checkpoints._upsert(conn, name, {"blocked_at": position})

    async def blocked(self) -> list[str]:
        """The projections stopped at an event they cannot apply, as recorded in the database."""
        query = select(checkpoints.c.projection).where(checkpoints.c.blocked_at.is_not(None))
        async with self.engine.connect() as conn:
            return sorted(await conn.scalars(query))

    @staticmethod
    async def _upsert(conn: AsyncConnection, name: str, changes: dict[str, int | None]) -> None:
        values: dict[str, object] = {**changes, "updated_at": datetime.now(UTC)}
        changed = await conn.execute(update(checkpoints).where(checkpoints.c.projection == name).values(**values))
        if changed.rowcount == 0:
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            stmt = dialect.insert(checkpoints).values(projection=name, **{"position": 0, **values})
            await conn.execute(stmt.on_conflict_do_update(index_elements=["projection"], set_=values))


async def reset(engine: AsyncEngine, projection: Projection) -> None:
    """Empty a projection's tables and its checkpoint, in one transaction."""
    async with engine.begin() as conn:
        for table in reversed(list(projection.tables)):
            await conn.execute(delete(table))
        await conn.execute(delete(checkpoints).where(checkpoints.c.projection == projection.name))


async def apply_once(engine: AsyncEngine, projection: Projection, recorded: Recorded) -> bool:
    """Apply one event unless the checkpoint already covers it; rows and checkpoint commit together."""
    async with engine.begin() as conn:
        if recorded.position <= await Checkpoints(engine).get(projection.name, conn):
            return False
        await projection.apply(conn, recorded)
        await Checkpoints.set(conn, projection.name, recorded.position)
        return True


@dataclass
class LocalProjector:
    """Projects a service's own event store (private events included) into its read models."""

    engine: AsyncEngine
    registry: EventRegistry
    projections: Sequence[Projection]
    batch_size: int = 500
    idle_interval: float = 0.2
    applied: int = field(default=0, init=False)
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)

    def notify(self) -> None:
        """Wake the projector now (a command just committed)."""
        self._wake.set()

    async def catch_up(self, progress: Progress | None = None) -> int:
        """Apply every stored event not yet applied by each projection; returns how many were applied.

        Safe to call while ``run`` is running: calls are serialized, and each batch re-reads
        the checkpoint inside its transaction, so no event is applied twice.
        """
        from cantiere_runtime.store import EventStore  # local import: store imports nothing from here

        store = EventStore(self.engine, self.registry)
        total = 0
        async with self._lock:
            for projection in self.projections:
                position = await Checkpoints(self.engine).get(projection.name)
                while batch := await store.read_all(after=position, limit=self.batch_size):
                    async with self.engine.begin() as conn:
                        checkpoint = await Checkpoints(self.engine).get(projection.name, conn)
                        fresh = [r for r in batch if r.position > checkpoint]
                        await apply_all(conn, projection, fresh)
                        position = max(checkpoint, batch[-1].position)
                        await Checkpoints.set(conn, projection.name, position)
                    total += len(fresh)
                    if progress:
                        progress(total, 0)
        self.applied += total
        return total

    async def rebuild(self, progress: Progress | None = None) -> int:
        """Drop every projection's rows and replay the whole store."""
        for projection in self.projections:
            await reset(self.engine, projection)
        return await self.catch_up(progress)

    async def run(self, stop: asyncio.Event) -> None:
        """Keep projections up to date until ``stop`` is set."""
        while not stop.is_set():
            self._wake.clear()
            try:
                applied = await self.catch_up()
            except DBAPIError as exc:  # the database connection was lost: try again, never stop projecting
                log.warning("local_projector_interrupted", reason=type(exc).__name__)
                applied = 0
            if applied == 0:
                try:
                    await asyncio.wait_for(self._wake.wait(), self.idle_interval)
                except TimeoutError:
                    pass
