"""The SQL event store: append with optimistic concurrency and an outbox in one transaction; load by folding."""

from __future__ import annotations

import sqlite3
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg
from cantiere_events import Actor, Envelope, Event, EventRegistry, Metadata, Producer, encode, uuid7, wrap
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_runtime import correlation
from cantiere_runtime.db import READ_ONLY
from cantiere_runtime.schema import events as events_table
from cantiere_runtime.store_sql import StoreStatements, fetch, write

DECODED_KEPT = 10_000  # decoded events kept in memory per store (about 10 MB)
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
        self._statements: StoreStatements | None = None
        # Events never change once stored: the ones decoded lately are kept, by event id (never reused, unlike
        # a position after a rollback), so loading an aggregate again decodes only what is new (bounded).
        self._decoded: OrderedDict[str, Recorded] = OrderedDict()
        # Events this store appended, by id, until a load meets them at their position: never decoded at all.
        self._appended: OrderedDict[str, tuple[Event, dict[str, Any]]] = OrderedDict()

    @asynccontextmanager
    async def _tx(self, conn: AsyncConnection | None) -> AsyncIterator[AsyncConnection]:
        if conn is not None:
            yield conn
        else:
            async with self.engine.begin() as fresh:
                yield fresh

    @property
    def statements(self) -> StoreStatements:
        """The hot statements for this engine's driver (see cantiere_runtime.store_sql)."""
        if self._statements is None:
            self._statements = StoreStatements.for_dialect(self.engine.dialect)
        return self._statements

    async def load(self, aggregate_id: str, conn: AsyncConnection | None = None) -> Loaded:
        """Every event of one aggregate, in order, lifted to the current versions."""
        sql = self.statements
        if conn is None:
            async with self.engine.connect() as fresh:
                await fresh.execution_options(**READ_ONLY)
                rows = await fetch(fresh, sql, sql.load, (aggregate_id,))
        else:
            rows = await fetch(conn, sql, sql.load, (aggregate_id,))
        recorded = [self._decoded_row(aggregate_id, row) for row in rows]
        return Loaded(recorded, rows[-1][1] if rows else 0)

    def _decoded_row(self, aggregate_id: str, row: Sequence[Any]) -> Recorded:
        position, version, event_type, event_version, payload, metadata, event_id = row
        known = self._decoded.get(event_id)
        if known is not None and known.position == position:
            return known
        appended = self._appended.pop(event_id, None)
        if appended is not None:
            event, meta = appended
            recorded = Recorded(event, self._metadata(event, aggregate_id, version, meta), position)
        else:
            recorded = self._recorded_from(
                aggregate_id, position, version, event_type, event_version, payload, metadata
            )
        self._decoded[event_id] = recorded
        if len(self._decoded) > DECODED_KEPT:
            self._decoded.popitem(last=False)
        return recorded

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
        Pass ``conn`` to join a transaction the caller holds (e.g. with a vault write); on a conflict that
        transaction must then be rolled back (or the savepoint it was made in).
        """
        if not events and not public_events:
            return expected_version
        async with self._tx(conn) as c:
            await self.append_many([(aggregate_id, expected_version, events, public_events, context)], conn=c)
        return expected_version + len(events)

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
        sql = self.statements
        rows: list[tuple[Any, ...]] = []
        outgoing: list[tuple[Any, ...]] = []
        for aggregate_id, expected, events, public_events, context in appends:
            if not events:
                await self.lock_appends(conn)  # the version read must stay true until the commit
                current = (await fetch(conn, sql, sql.max_version, (aggregate_id,)))[0][0]
                if current != expected:
                    raise ConcurrencyError(aggregate_id, expected, current)
            version = expected
            for event in events:
                version += 1
                event_id, meta = self._event_metadata(event, context)
                rows.append(sql.event_row(event_id, aggregate_id, version, event, meta, context.now))
                self._appended[event_id] = (event, meta)
                if len(self._appended) > DECODED_KEPT:
                    self._appended.popitem(last=False)
            outgoing += [
                sql.outbox_row(self._outgoing(e, aggregate_id, max(version, 1), context)) for e in public_events
            ]
        try:
            # The append lock, the events and the outbox rows: one round trip on PostgreSQL (a pipeline).
            await write(conn, sql, APPEND_LOCK_KEY, [(sql.insert_events, rows), (sql.insert_outbox, outgoing)])
        except (sqlite3.IntegrityError, psycopg.IntegrityError) as exc:
            first = appends[0]
            raise ConcurrencyError(first[0] if len(appends) == 1 else "several records", first[1]) from exc

    async def lock_appends(self, conn: AsyncConnection) -> None:
        """Hold every other append of this database until the caller's transaction ends.

        Taken before reading, it makes a read-then-decide-then-append atomic across aggregates
        (e.g. a placement decided on a candidate it does not append to). SQLite's BEGIN IMMEDIATE
        already serializes writers; on PostgreSQL it is a transaction-level advisory lock.
        """
        if self.statements.lock is not None:
            await fetch(conn, self.statements, self.statements.lock, (APPEND_LOCK_KEY,))

    def _event_metadata(self, event: Event, ctx: CommandContext) -> tuple[str, dict[str, Any]]:
        """A new event's id and the metadata stored with it (as JSON values)."""
        if event.event_type not in self.registry:
            raise ValueError(f"{event.event_type} is not registered in {self.registry.name}")
        event_id = str(uuid7())
        meta = {
            "event_id": event_id,
            "partner": ctx.partner,
            "producer": ctx.producer.value,
            "audience": event.audience.value,
            "occurred_at": ctx.now.isoformat(),
            "correlation_id": str(ctx.correlation_id),
            "causation_id": str(ctx.causation_id) if ctx.causation_id else None,
            "actor": ctx.actor.model_dump() if ctx.actor else None,
        }
        return event_id, meta

    @staticmethod
    def _metadata(event: Event, aggregate_id: str, version: int, meta: dict[str, Any]) -> Metadata:
        return Metadata(
            event_type=event.event_type,
            schema_version=event.event_version,
            aggregate_id=aggregate_id,
            aggregate_version=version,
            **meta,
        )

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
        return self._recorded_from(
            row["aggregate_id"],
            row["position"],
            row["aggregate_version"],
            row["event_type"],
            row["event_version"],
            row["payload"],
            row["metadata"],
        )

    def _recorded_from(
        self,
        aggregate_id: str,
        position: int,
        version: int,
        event_type: str,
        event_version: int,
        payload: Any,
        meta: Any,
    ) -> Recorded:
        event = self.registry.load(event_type, event_version, StoreStatements.json_out(payload))
        return Recorded(event, self._metadata(event, aggregate_id, version, StoreStatements.json_out(meta)), position)


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
