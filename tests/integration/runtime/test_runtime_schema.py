"""The runtime's migrations build exactly the tables schema.py declares, on each backend."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from cantiere_runtime.schema import metadata
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def _not_a_version_table(name: str | None, _type: str, _parent: Any) -> bool:
    return name is None or not name.startswith("alembic_version")


def _differences(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"include_name": _not_a_version_table})
    return list(compare_metadata(context, metadata))


async def test_the_migrated_database_matches_the_declared_schema(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        assert await conn.run_sync(_differences) == []


async def test_unsent_outbox_rows_have_a_partial_index_in_position_order(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        indexes = await conn.run_sync(lambda c: c.dialect.get_indexes(c, "outbox"))
    unsent = [i for i in indexes if i["name"] == "ix_outbox_unsent"]
    assert [i["column_names"] for i in unsent] == [["position"]]
    assert "ix_outbox_pending" not in {i["name"] for i in indexes}
