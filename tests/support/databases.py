"""Whole databases for tests that back up and restore them: SQLite files, or fresh PostgreSQL databases (each its
own, dropped afterwards) when CANTIERE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("CANTIERE_TEST_POSTGRES_URL")


@contextmanager
def fresh_databases(
    backend: str, directory: Path, names: list[str], postgres_url: str | None = None
) -> Iterator[dict[str, str]]:
    """An empty database per name: ``{name: url}``; PostgreSQL ones are dropped at the end whatever happens.

    PostgreSQL databases are created on the server of ``postgres_url`` (CANTIERE_TEST_POSTGRES_URL by default).
    """
    if backend == "sqlite":
        yield {name: f"sqlite:///{directory / f'{name}.db'}" for name in names}
        return
    server = postgres_url or POSTGRES_URL
    assert server, "CANTIERE_TEST_POSTGRES_URL is not set"
    admin = make_url(server)
    created = {name: f"t_{uuid.uuid4().hex[:12]}_{name.replace('-', '_')}"[:63] for name in names}
    with psycopg.connect(
        admin.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
    ) as c:
        for database in created.values():
            c.execute(f'CREATE DATABASE "{database}"')
    try:
        yield {name: admin.set(database=db).render_as_string(hide_password=False) for name, db in created.items()}
    finally:
        url = admin.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(url, autocommit=True) as c:
            for database in created.values():
                c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
