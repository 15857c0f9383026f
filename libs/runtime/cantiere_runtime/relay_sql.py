"""The outbox relay's two statements, handed straight to the database driver (as store_sql does for appends).

A window of 1,000 rows through SQLAlchemy's result machinery costs more Python than publishing a tenth of
them; here the rows come back as the driver's tuples and the headers are parsed with ``json``. Marking a
window sent is one statement whatever its size: the acknowledged (position, stream sequence) pairs go in
as two arrays (PostgreSQL, ``unnest``) or one JSON array (SQLite, ``json_each``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_runtime.ordered_publish import Outgoing
from cantiere_runtime.schema import outbox
from cantiere_runtime.store_sql import StoreStatements, fetch

WINDOW = (
    "SELECT position, aggregate_id, subject, headers, data FROM outbox"
    " WHERE sent_at IS NULL AND position > ? ORDER BY position LIMIT ?"
)
MARK_SENT_SQLITE = (
    "UPDATE outbox SET sent_at = ?, stream_sequence = acked.seq"
    " FROM (SELECT json_extract(value, '$[0]') AS position, json_extract(value, '$[1]') AS seq FROM json_each(?))"
    " AS acked WHERE outbox.position = acked.position"
)
MARK_SENT_POSTGRESQL = (
    "UPDATE outbox SET sent_at = %s, stream_sequence = acked.seq"
    " FROM unnest(%s::bigint[], %s::bigint[]) AS acked(position, seq) WHERE outbox.position = acked.position"
)


@dataclass(frozen=True)
class RelayStatements:
    """The relay's statements for one dialect, on the event store's drivers (sqlite+onloop, psycopg)."""

    store: StoreStatements
    window: str
    datetime_in: Any
    driver_error: type[Exception]  # the driver's own base error (sqlite3.Error, psycopg.Error), unwrapped here

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> RelayStatements:
        store = StoreStatements.for_dialect(dialect)
        window = WINDOW if store.on_loop else WINDOW.replace("?", "%s")
        datetime_type = outbox.c.sent_at.type.dialect_impl(dialect)
        datetime_in = datetime_type.bind_processor(dialect) or (lambda value: value)
        return cls(store, window, datetime_in, dialect.loaded_dbapi.Error)

    async def read_window(self, conn: AsyncConnection, after: int, size: int) -> list[Outgoing]:
        """Up to ``size`` unsent rows after position ``after``, in position order, as messages keyed by aggregate."""
        rows = await fetch(conn, self.store, self.window, (after, size))
        json_out = StoreStatements.json_out
        return [Outgoing(row[0], row[1], row[2], bytes(row[4]), json_out(row[3])) for row in rows]

    async def mark_sent(self, conn: AsyncConnection, acked: Sequence[tuple[int, int]], now: datetime) -> None:
        """Mark (position, stream sequence) pairs sent at ``now``, in one statement, in the caller's transaction."""
        driver: Any = conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]
        if self.store.on_loop:
            driver.sqlite3_connection.execute(MARK_SENT_SQLITE, (self.datetime_in(now), json.dumps(acked)))
            return
        positions = [position for position, _ in acked]
        sequences = [seq for _, seq in acked]
        async with driver.cursor() as cursor:
            await cursor.execute(MARK_SENT_POSTGRESQL, (now, positions, sequences))
