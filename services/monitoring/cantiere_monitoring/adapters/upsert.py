"""Update-or-insert of one read-model row, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Table, and_, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(conn: AsyncConnection, table: Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Set `values` on the row with primary key `key`, creating the row when it does not exist yet."""
    where = and_(*(table.c[name] == value for name, value in key.items()))
    changed = await conn.execute(update(table).where(where).values(**values))
    if changed.rowcount == 0:
        await conn.execute(insert(table).values(**key, **values))
