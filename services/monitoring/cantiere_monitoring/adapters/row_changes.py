"""Row changes of one batch of events, kept in memory and written once per table at the end of the batch.

A projection applying a batch reads the stored rows it needs once, changes them in memory event after event
(as many times as the batch says), then writes each changed row once: forgotten people first, then whole rows.
The result is the one of applying the events one by one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnDefault, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_monitoring.adapters.upsert import upsert_rows

Row = dict[str, Any]


def empty_row(table: Table) -> Row:
    """A row as a fresh insert would make it: every column's Python default, else None."""
    row: Row = {}
    for column in table.columns:
        default = column.default
        row[column.name] = default.arg if isinstance(default, ColumnDefault) and default.is_scalar else None
    return row


@dataclass
class TableChanges:
    """The rows of one table changed by a batch, by primary key; ``stored`` are the rows read before it."""

    table: Table
    stored: dict[tuple[Any, ...], Row] = field(default_factory=dict)
    changed: dict[tuple[Any, ...], Row] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._key_columns = tuple(column.name for column in self.table.primary_key.columns)
        self._empty = empty_row(self.table)

    def key(self, row: Mapping[Any, Any]) -> tuple[Any, ...]:
        """A row's primary key."""
        return tuple([row[name] for name in self._key_columns])

    async def load(self, conn: AsyncConnection, column: str, values: Collection[Any]) -> None:
        """Read the stored rows whose ``column`` is one of ``values`` (once, before the batch is applied)."""
        if values:
            rows = await conn.execute(select(self.table).where(self.table.c[column].in_(values)))
            self.stored.update((self.key(row), dict(row)) for row in rows.mappings())

    def current(self, key_values: Mapping[str, Any]) -> Row | None:
        """The row with this primary key as the events so far have left it (None if there is none)."""
        key = self.key(key_values)
        return self.changed[key] if key in self.changed else self.stored.get(key)

    def set(self, key_values: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        """Set some columns of a row, creating it (with its defaults) when there is none."""
        row = {**(self.current(key_values) or self._empty), **key_values, **values}
        self.changed[self.key(row)] = row

    def forget(self, column: str, value: Any) -> None:
        """Every row whose ``column`` is ``value`` is gone (deleted before this batch's rows are written)."""
        for rows in (self.stored, self.changed):
            for key in [k for k, row in rows.items() if row[column] == value]:
                del rows[key]

    async def write(self, conn: AsyncConnection) -> None:
        """Write every changed row, whole, in one statement."""
        await upsert_rows(conn, self.table, list(self.changed.values()))


async def delete_where(conn: AsyncConnection, tables: Iterable[Table], column: str, values: Collection[Any]) -> None:
    """Delete the rows of these tables whose ``column`` is one of ``values``."""
    if values:
        for table in tables:
            await conn.execute(delete(table).where(table.c[column].in_(values)))
