"""The event store's hot statements, handed straight to the database driver.

Loading an aggregate and appending events with their outbox rows are what every command does. Through
SQLAlchemy's statement machinery each costs about 100-150 µs of Python on a small machine, more than the
database takes; here they are plain SQL strings with the driver's placeholders, run on the connection the
caller's SQLAlchemy transaction holds (so they are inside that transaction, with whatever else it writes).
Values are converted exactly as SQLAlchemy would store them (its own processors for SQLite's dates; JSON
as text), so every other reader of these tables sees the same rows.

Two drivers: SQLite on the event loop (cantiere_runtime.sqlite_loop: sqlite3 called in place, the
transaction already holding the write lock, or a WAL read that never waits) and psycopg on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cantiere_events import Event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_runtime.schema import events

# In SQLite's placeholders; "?json" marks a JSON value (PostgreSQL casts the text it is given).
LOAD = (
    "SELECT position, aggregate_version, event_type, event_version, payload, metadata, event_id FROM events"
    " WHERE aggregate_id = ? ORDER BY aggregate_version"
)
MAX_VERSION = "SELECT COALESCE(MAX(aggregate_version), 0) FROM events WHERE aggregate_id = ?"
INSERT_EVENTS = (
    "INSERT INTO events (event_id, aggregate_id, aggregate_version, event_type, event_version, payload, metadata,"
    " recorded_at) VALUES (?, ?, ?, ?, ?, ?json, ?json, ?)"
)
INSERT_OUTBOX = (
    "INSERT INTO outbox (event_id, aggregate_id, subject, headers, data, created_at) VALUES (?, ?, ?, ?json, ?, ?)"
)


@dataclass(frozen=True)
class StoreStatements:
    """The statements and value conversions of one dialect."""

    on_loop: bool
    load: str
    max_version: str
    insert_events: str
    insert_outbox: str
    lock: str | None
    datetime_in: Any  # SQLite stores dates as text in SQLAlchemy's format

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> StoreStatements:
        if dialect.name == "sqlite":
            if dialect.driver != "onloop":
                raise RuntimeError(f"the event store runs on SQLite through sqlite+onloop, not {dialect.driver}")

            def native(sql: str) -> str:
                return sql.replace("?json", "?")

            lock = None
        elif dialect.name == "postgresql" and dialect.driver == "psycopg":

            def native(sql: str) -> str:
                return sql.replace("?json", "CAST(%s AS JSON)").replace("?", "%s")

            lock = "SELECT pg_advisory_xact_lock(%s)"
        else:
            raise RuntimeError(f"the event store supports SQLite and PostgreSQL (psycopg), not {dialect.name}")
        datetime_type = events.c.recorded_at.type.dialect_impl(dialect)
        return cls(
            on_loop=dialect.name == "sqlite",
            load=native(LOAD),
            max_version=native(MAX_VERSION),
            insert_events=native(INSERT_EVENTS),
            insert_outbox=native(INSERT_OUTBOX),
            lock=lock,
            datetime_in=datetime_type.bind_processor(dialect) or (lambda value: value),
        )

    def event_row(
        self, event_id: str, aggregate_id: str, version: int, event: Event, metadata: dict[str, Any], at: datetime
    ) -> tuple[Any, ...]:
        """The insert parameters of one event row."""
        return (
            event_id,
            aggregate_id,
            version,
            event.event_type,
            event.event_version,
            event.model_dump_json(),
            json.dumps(metadata),
            self.datetime_in(at),
        )

    def outbox_row(self, row: dict[str, Any]) -> tuple[Any, ...]:
        """The insert parameters of one outbox row."""
        return (
            row["event_id"],
            row["aggregate_id"],
            row["subject"],
            json.dumps(row["headers"]),
            row["data"],
            self.datetime_in(row["created_at"]),
        )

    @staticmethod
    def json_out(value: Any) -> Any:
        """A JSON column as read: SQLite gives text, psycopg gives it parsed."""
        return json.loads(value) if isinstance(value, str | bytes) else value


def _driver(conn: AsyncConnection) -> Any:
    # The DBAPI connection under the caller's SQLAlchemy connection (already checked out: no I/O here).
    return conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]


async def fetch(conn: AsyncConnection, statements: StoreStatements, sql: str, params: Sequence[Any]) -> list[Any]:
    """The rows of one query, on the caller's connection."""
    driver = _driver(conn)
    if statements.on_loop:
        return driver.sqlite3_connection.execute(sql, params).fetchall()  # type: ignore[no-any-return]
    async with driver.cursor() as cursor:
        await cursor.execute(sql, params)
        return await cursor.fetchall()  # type: ignore[no-any-return]


async def write(
    conn: AsyncConnection, statements: StoreStatements, lock_key: int, batches: Sequence[tuple[str, Sequence[Any]]]
) -> None:
    """Take the append lock and run each statement for its rows, in the caller's transaction.

    SQLite: the transaction already holds the write lock (BEGIN IMMEDIATE). PostgreSQL: the advisory lock and
    the inserts go in one pipeline, one round trip; an error (a version taken meanwhile) is raised at its end.
    """
    driver = _driver(conn)
    if statements.on_loop:
        raw = driver.sqlite3_connection
        for sql, rows in batches:
            if rows:
                raw.executemany(sql, rows)
        return
    async with driver.pipeline(), driver.cursor() as cursor:
        if statements.lock is not None:
            await cursor.execute(statements.lock, (lock_key,))
        for sql, rows in batches:
            if rows:
                await cursor.executemany(sql, rows)
