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
def fresh_databases(backend: str, directory: Path, names: list[str]) -> Iterator[dict[str, str]]:
    """An empty database per name: ``{name: url}``; PostgreSQL ones are dropped at the end whatever happens."""
    if backend == "sqlite":
        yield {name: f"sqlite:///{directory / f'{name}.db'}" for name in names}
        return
    assert POSTGRES_URL, "CANTIERE_TEST_POSTGRES_URL is not set"
    admin = make_url(POSTGRES_URL)
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
