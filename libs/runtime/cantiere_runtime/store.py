"""The SQL event store: append with optimistic concurrency and an outbox in one transaction; load by folding."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cantiere_events import Actor, Envelope, Event, EventRegistry, Metadata, Producer, encode, uuid7, wrap
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_runtime import correlation
from cantiere_runtime.db import READ_ONLY
from cantiere_runtime.schema import events as events_table
from cantiere_runtime.schema import outbox as outbox_table

APPEND_LOCK_KEY = 0x43414E54  # "CANT": one advisory lock per database (each service has its own database)


class ConcurrencyError(Exception):
    """Someone else changed the same record in the meantime: reload and try again."""

    def __init__(self, aggregate_id: str, expected: int, actual: int | None = None) -> None:
        found = "" if actual is None else f", found {actual}"
        super().__init__(
            f"the record {aggregate_id} was changed by someone else in the meantime "
            f"(expected version {expected}{found}): reload it and try again"
        )
        self.aggregate_id = aggregate_id
        self.expected = expected
        self.actual = actual


@dataclass(frozen=True)
class CommandContext:
    """Who asks, when, and in which chain of messages: the metadata every appended event carries."""

    partner: str
    producer: Producer
    now: datetime
    actor: Actor | None = None
    # The request's (see cantiere_runtime.correlation), so a command's events say which request caused them.
    correlation_id: uuid.UUID = field(default_factory=correlation.current)
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Recorded:
    """An event as stored or received: payload, metadata and its position in its log."""

    event: Event
    metadata: Metadata
    position: int


@dataclass(frozen=True)
class Loaded:
    """An aggregate's history and its current version (0 when it does not exist)."""

    events: list[Recorded]
    version: int


class EventStore:
    """Append-only log of one service's domain events, with the outbox of its public events."""

    def __init__(self, engine: AsyncEngine, registry: EventRegistry) -> None:
        self.engine = engine
        self.registry = registry

    @asynccontextmanager
    async def _tx(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn
        else:
            async with self.engine.begin() as fresh:
                yield fresh

    async def load(self, aggregate_id: str, conn: AsyncConnection | None = None) -> Loaded:
        """Every event of one aggregate, in order, lifted to the current versions."""
        query = (
            select(events_table)
            .where(events_table.c.aggregate_id == aggregate_id)
            .order_by(events_table.c.aggregate_version)
        )
        if conn is None:
            async with self.engine.connect() as fresh:
                await fresh.execution_options(**READ_ONLY)
                rows = (await fresh.execute(query)).mappings().all()
        else:
            rows = (await conn.execute(query)).mappings().all()
        recorded = [self._recorded(row) for row in rows]
        return Loaded(recorded, recorded[-1].metadata.aggregate_version if recorded else 0)

    async def read_all(self, after: int = 0, limit: int = 1000, conn: AsyncConnection | None = None) -> list[Recorded]:
        """Events of every aggregate after a global position, in order (for local projections)."""
        query = (
            select(events_table).where(events_table.c.position > after).order_by(events_table.c.position).limit(limit)
        )
        async with self._tx(conn) as c:
            rows = (await c.execute(query)).mappings().all()
        return [self._recorded(row) for row in rows]

    async def append(
        self,
        aggregate_id: str,
        expected_version: int,
        events: Sequence[Event],
        public_events: Sequence[Event | Envelope] = (),
        *,
        context: CommandContext,
        conn: AsyncConnection | None = None,
    ) -> int:
        """Append events after ``expected_version`` and queue public events, atomically; the new version.

        Raises ConcurrencyError when the aggregate moved on since it was loaded.
        Pass ``conn`` to join a transaction the caller holds (e.g. with a vault write).
        """
        if not events and not public_events:
            return expected_version
        try:
            async with self._tx(conn) as c:
                # Positions come from a sequence when rows are inserted, not when they commit:
                # without this lock a later position could commit first, and a local projector
                # that has moved past it would never see the earlier one.
                await self.lock_appends(c)
                current = await c.scalar(
                    select(func.coalesce(func.max(events_table.c.aggregate_version), 0)).where(
                        events_table.c.aggregate_id == aggregate_id
                    )
                )
                if current != expected_version:
                    raise ConcurrencyError(aggregate_id, expected_version, current)
                version = expected_version
                rows = []
                for event in events:
                    version += 1
                    rows.append(self._row(aggregate_id, version, event, context))
                if rows:
                    await c.execute(insert(events_table), rows)
                outgoing = [self._outgoing(e, aggregate_id, max(version, 1), context) for e in public_events]
                if outgoing:
                    await c.execute(insert(outbox_table), outgoing)
                return version
        except IntegrityError as exc:
            raise ConcurrencyError(aggregate_id, expected_version) from exc

    async def append_many(
        self,
        appends: Sequence[tuple[str, int, Sequence[Event], Sequence[Event | Envelope], CommandContext]],
        *,
        conn: AsyncConnection,
    ) -> None:
        """Append to several aggregates in the caller's transaction: one insert for the events, one for the outbox.

        Each item is (aggregate, expected version, events, public events, context). A version taken meanwhile
        breaks the (aggregate, version) uniqueness: ConcurrencyError, and the caller's transaction (or
        savepoint) must be rolled back. An item with public events only checks its version by reading it.
        """
        if not appends:
            return
        rows: list[dict[str, Any]] = []
        outgoing: list[dict[str, Any]] = []
        await self.lock_appends(conn)
        for aggregate_id, expected, events, public_events, context in appends:
            if not events:
                current = await conn.scalar(
                    select(func.coalesce(func.max(events_table.c.aggregate_version), 0)).where(
                        events_table.c.aggregate_id == aggregate_id
                    )
                )
                if current != expected:
                    raise ConcurrencyError(aggregate_id, expected, current)
            version = expected
            for event in events:
                version += 1
                rows.append(self._row(aggregate_id, version, event, context))
            outgoing += [self._outgoing(e, aggregate_id, max(version, 1), context) for e in public_events]
        try:
            if rows:
                await conn.execute(insert(events_table), rows)
        except IntegrityError as exc:
            raise ConcurrencyError(appends[0][0] if len(appends) == 1 else "several records", appends[0][1]) from exc
        if outgoing:
            await conn.execute(insert(outbox_table), outgoing)

    @staticmethod
    async def lock_appends(conn: AsyncConnection) -> None:
        """Hold every other append of this database until the caller's transaction ends.

        Taken before reading, it makes a read-then-decide-then-append atomic across aggregates
        (e.g. a placement decided on a candidate it does not append to). SQLite's BEGIN IMMEDIATE
        already serializes writers; on PostgreSQL it is a transaction-level advisory lock.
        """
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})

    def _row(self, aggregate_id: str, version: int, event: Event, ctx: CommandContext) -> dict[str, Any]:
        if event.event_type not in self.registry:
            raise ValueError(f"{event.event_type} is not registered in {self.registry.name}")
        event_id = uuid7()
        meta = {
            "event_id": str(event_id),
            "partner": ctx.partner,
            "producer": ctx.producer.value,
            "audience": event.audience.value,
            "occurred_at": ctx.now.isoformat(),
            "correlation_id": str(ctx.correlation_id),
            "causation_id": str(ctx.causation_id) if ctx.causation_id else None,
            "actor": ctx.actor.model_dump() if ctx.actor else None,
        }
        return {
            "event_id": str(event_id),
            "aggregate_id": aggregate_id,
            "aggregate_version": version,
            "event_type": event.event_type,
            "event_version": event.event_version,
            "payload": event.model_dump(mode="json"),
            "metadata": meta,
            "recorded_at": ctx.now,
        }

    @staticmethod
    def _outgoing(item: Event | Envelope, aggregate_id: str, version: int, ctx: CommandContext) -> dict[str, Any]:
        envelope = item if isinstance(item, Envelope) else envelope_for(item, aggregate_id, version, ctx)
        message = encode(envelope)
        return {
            "event_id": str(envelope.metadata.event_id),
            "aggregate_id": envelope.metadata.aggregate_id,
            "subject": message.subject,
            "headers": message.headers,
            "data": message.data,
            # Operational, not the event's time: the wall clock even under the development clock, so the relay's
            # backlog age (/metrics) means the same thing in the demo as in production.
            "created_at": datetime.now(UTC),
        }

    def _recorded(self, row: Any) -> Recorded:
        event = self.registry.load(row["event_type"], row["event_version"], row["payload"])
        meta = dict(row["metadata"])
        metadata = Metadata(
            event_type=event.event_type,
            schema_version=event.event_version,
            aggregate_id=row["aggregate_id"],
            aggregate_version=row["aggregate_version"],
            **meta,
        )
        return Recorded(event, metadata, row["position"])


def envelope_for(
    payload: Event, aggregate_id: str, version: int, ctx: CommandContext, *, partner: str | None = None
) -> Envelope:
    """Wrap a public event with a command's context (the partner defaults to the command's own)."""
    return wrap(
        payload,
        partner=partner or ctx.partner,
        aggregate_id=aggregate_id,
        aggregate_version=version,
        occurred_at=ctx.now,
        correlation_id=ctx.correlation_id,
        causation_id=ctx.causation_id,
        actor=ctx.actor,
    )
