"""One write path: every command runs as a unit of work (load, decide, append with the outbox, commit, notify).

A unit of work is one transaction. It loads aggregates with their versions, takes what the command decided as
events (and the public events they publish), and writes them all at once when the work is done: one batched
insert for the events, one for the outbox, then the commit, then the relay and the local projector are told.
Adapters that must write in the same transaction (a vault, an index) use ``unit.conn``.

The ``CommandHandler`` runs the work again when the store says an aggregate moved on meanwhile: the work loads
the news and decides again, so the caller sees a refusal only when the command no longer holds, never a
conflict nobody caused. From HTTP and from the bus alike: ``run`` opens its own transaction, ``run_within``
joins one the caller holds (a projector's, with its checkpoint) and retries on a savepoint.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import structlog
from cantiere_events import Envelope, Event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_runtime.db import is_sqlite
from cantiere_runtime.decider import Decider
from cantiere_runtime.store import CommandContext, ConcurrencyError, EventStore, Recorded

log = structlog.get_logger("cantiere.unit_of_work")

S = TypeVar("S")
T = TypeVar("T")

ATTEMPTS = 5  # decide again on news appended meanwhile, this many times at most


@dataclass(frozen=True)
class Aggregate(Generic[S]):
    """An aggregate as loaded: its state, its version, and its history (events with their metadata)."""

    aggregate_id: str
    state: S
    version: int
    history: tuple[Recorded, ...] = ()


@dataclass(frozen=True)
class _Append:
    aggregate_id: str
    expected_version: int
    events: tuple[Event, ...]
    public_events: tuple[Event | Envelope, ...]
    context: CommandContext


@dataclass
class UnitOfWork:
    """What one command reads and writes, in one transaction (``conn``)."""

    store: EventStore
    conn: AsyncConnection
    written: int = 0  # events and public events written by ``flush``
    _appends: list[_Append] = field(default_factory=list)
    _versions: dict[str, int] = field(default_factory=dict)

    async def load(self, decider: Decider[Any, S, Any], aggregate_id: str) -> Aggregate[S]:
        """An aggregate's state (folded by ``decider``), version and history, as this transaction sees it."""
        if aggregate_id in self._versions:
            raise RuntimeError(f"{aggregate_id} was already appended to in this unit of work: load it first")
        loaded = await self.store.load(aggregate_id, self.conn)
        state = decider.fold(r.event for r in loaded.events)
        return Aggregate(aggregate_id, state, loaded.version, tuple(loaded.events))

    def append(
        self,
        aggregate_id: str,
        expected_version: int,
        events: Sequence[Event],
        public_events: Sequence[Event | Envelope] = (),
        *,
        context: CommandContext,
    ) -> int:
        """Queue events after ``expected_version`` (and the public events they publish); the version they make.

        Written when the work is done, in one batch; a second append to the same aggregate continues from
        the version the first one made.
        """
        if not events and not public_events:
            return expected_version
        if aggregate_id in self._versions and self._versions[aggregate_id] != expected_version:
            raise ConcurrencyError(aggregate_id, expected_version, self._versions[aggregate_id])
        self._appends.append(_Append(aggregate_id, expected_version, tuple(events), tuple(public_events), context))
        version = expected_version + len(events)
        self._versions[aggregate_id] = version
        return version

    async def flush(self) -> None:
        """Write every queued append (ConcurrencyError when an aggregate moved on since it was loaded)."""
        appends, self._appends = self._appends, []
        self._versions.clear()
        self.written += sum(len(a.events) + len(a.public_events) for a in appends)
        await self.store.append_many(
            [(a.aggregate_id, a.expected_version, a.events, a.public_events, a.context) for a in appends],
            conn=self.conn,
        )


def _nothing() -> None:
    return None


@asynccontextmanager
async def _sqlite_transaction(conn: AsyncConnection) -> AsyncIterator[None]:
    """A write transaction begun and ended on the driver itself; SQLAlchemy joins it if the work uses ``conn``.

    Through SQLAlchemy, beginning and committing cost two greenlet hand-overs and their bookkeeping, more than
    the statements of a command. The store's statements go to the driver anyway (cantiere_runtime.store_sql);
    an adapter that executes on ``conn`` makes SQLAlchemy begin, which then finds the transaction open and
    joins it (cantiere_runtime.db), and it is SQLAlchemy that ends it.
    """
    driver: Any = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    raw = driver.sqlite3_connection
    await driver.patiently(raw.execute, "BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction():
            await conn.rollback()
        if raw.in_transaction:
            raw.rollback()
        raise
    if conn.in_transaction():
        await conn.commit()
    else:
        await driver.patiently(raw.commit)


@dataclass
class CommandHandler:
    """Runs commands as units of work, deciding again on conflict, and tells the relay when they committed.

    On SQLite, where one writer at a time holds the database anyway, the units run one after the other on one
    connection kept open for them (``close`` it when the service stops): opening and closing a pooled
    connection per command costs more than the command. On PostgreSQL each unit takes a pooled connection and
    units run side by side.
    """

    engine: AsyncEngine
    store: EventStore
    committed: Callable[[], None] = _nothing
    attempts: int = ATTEMPTS
    _writer: AsyncConnection | None = field(default=None, init=False)
    _writing: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _holder: asyncio.Task[Any] | None = field(default=None, init=False)

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        if not is_sqlite(self.engine):
            async with self.engine.begin() as conn:
                yield conn
            return
        task = asyncio.current_task()
        if task is not None and task is self._holder:
            raise RuntimeError("a unit of work cannot run inside another one: do all of it in the outer unit")
        async with self._writing:
            self._holder = task
            try:
                if self._writer is None or self._writer.closed or self._writer.invalidated:
                    self._writer = await self.engine.connect()
                async with _sqlite_transaction(self._writer):
                    yield self._writer
            finally:
                self._holder = None

    async def close(self) -> None:
        """Give back the connection kept for writing (the service is stopping)."""
        async with self._writing:
            if self._writer is not None:
                await self._writer.close()
                self._writer = None

    async def run(self, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run ``work`` in a transaction of its own; on a conflict, run it again on what is stored now."""
        for attempt in range(1, self.attempts + 1):
            try:
                async with self._transaction() as conn:
                    unit = UnitOfWork(self.store, conn)
                    result = await work(unit)
                    await unit.flush()
            except ConcurrencyError as exc:
                if attempt == self.attempts:
                    raise
                log.info("command_retried", attempt=attempt, aggregate_id=exc.aggregate_id)
                continue
            if unit.written:
                self.committed()
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    async def run_within(self, conn: AsyncConnection, work: Callable[[UnitOfWork], Awaitable[T]]) -> T:
        """Run ``work`` inside the caller's transaction; each attempt on a savepoint, undone alone on a conflict.

        The caller commits (e.g. a projector, with its checkpoint) and tells the relay afterwards.
        """
        for attempt in range(1, self.attempts + 1):
            try:
                async with conn.begin_nested():
                    unit = UnitOfWork(self.store, conn)
                    result = await work(unit)
                    await unit.flush()
            except ConcurrencyError as exc:
                if attempt == self.attempts:
                    raise
                log.info("command_retried", attempt=attempt, aggregate_id=exc.aggregate_id)
                continue
            return result
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover
