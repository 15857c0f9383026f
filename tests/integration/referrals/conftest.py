"""Fixtures of the referrals integration tests: a service database on SQLite, and on PostgreSQL when configured."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from cantiere_runtime.db import create_engine
from sqlalchemy import text


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


@pytest.fixture
def service_db(db_url: tuple[str, str | None]) -> Iterator[str]:
    """A database URL for one service instance: a SQLite file, or a PostgreSQL schema of this test."""
    url, schema = db_url
    if schema is None:
        yield url
        return
    asyncio.run(_admin(url, f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    asyncio.run(_admin(url, f"DROP SCHEMA {schema} CASCADE"))
