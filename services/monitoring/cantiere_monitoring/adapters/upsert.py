"""Update-or-insert of read-model rows, the same on SQLite and PostgreSQL: one row, or many in one statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, and_, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(conn: AsyncConnection, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Set `values` on the row with primary key `key`, creating the row when it does not exist yet."""
    where = and_(*(table.c[name] == value for name, value in key.items()))
    changed = await conn.execute(update(table).where(where).values(**values))
    if changed.rowcount == 0:
        await conn.execute(insert(table).values(**key, **values))


async def upsert_rows(conn: AsyncConnection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write whole rows (every column given, each primary key once): inserted, or replacing the stored row."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(table)
    keys = [column.name for column in table.primary_key.columns]
    others = {column.name: stmt.excluded[column.name] for column in table.columns if column.name not in keys}
    await conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=others), list(rows))
