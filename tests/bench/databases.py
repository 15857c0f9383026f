"""The databases a bench runs on: SQLite always, PostgreSQL when a server is named (each run its own databases)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from tests.support.databases import fresh_databases

SQLITE, POSTGRESQL = "sqlite", "postgresql"


def postgres_server() -> str | None:
    """CANTIERE_BENCH_POSTGRES_URL, else CANTIERE_TEST_POSTGRES_URL, else none (SQLite only)."""
    return os.environ.get("CANTIERE_BENCH_POSTGRES_URL") or os.environ.get("CANTIERE_TEST_POSTGRES_URL") or None


def backends(server: str | None) -> list[str]:
    return [SQLITE, POSTGRESQL] if server else [SQLITE]


@contextmanager
def fresh(backend: str, folder: Path, name: str, server: str | None) -> Iterator[str]:
    """The URL of an empty database for one bench (a PostgreSQL one is dropped afterwards)."""
    with fresh_databases(backend, folder, [name], postgres_url=server) as urls:
        yield urls[name]


def driver_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as psycopg takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def postgres_version(server: str | None) -> str | None:
    if not server:
        return None
    with psycopg.connect(driver_url(server)) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else None
