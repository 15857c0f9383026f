"""Database engines: SQLite (WAL) by default, PostgreSQL by URL; both async."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.util.concurrency import await_

# SQLite runs on the event loop, without aiosqlite's thread hop per call (see cantiere_runtime.sqlite_loop).
registry.register("sqlite.onloop", "cantiere_runtime.sqlite_loop", "SQLiteDialectOnLoop")


def async_url(url: str) -> str:
    """The async driver URL for a plain database URL (``postgresql://`` or ``sqlite:///``)."""
    parsed = make_url(url)
    driver = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg", "sqlite": "sqlite+onloop"}
    if parsed.drivername in driver:
        parsed = parsed.set(drivername=driver[parsed.drivername])
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine_or_url: AsyncEngine | str) -> bool:
    """Whether an engine or URL points at SQLite."""
    url = engine_or_url.url if isinstance(engine_or_url, AsyncEngine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def create_engine(url: str, *, schema: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine; on SQLite with WAL, 30 s of patience for the lock and writers that take it at BEGIN.

    ``schema`` sets PostgreSQL's search_path (tests use one schema each).
    """
    url = async_url(url)
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        _sqlite_pragmas(engine, on_loop=engine.dialect.driver == "onloop")
        return engine
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["options"] = f"-c search_path={schema}"
    return create_async_engine(url, connect_args=connect_args, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(engine: AsyncEngine, *, on_loop: bool) -> None:
    # SQLite upgrades a read lock to a write lock lazily and fails at once when another
    # writer got there first; BEGIN IMMEDIATE takes the write lock up front so writers
    # queue for it instead, which makes concurrent appends behave. On the loop they queue
    # in the driver (asyncio pauses), never in sqlite3's busy handler, which would block the loop.
    busy_timeout = 0 if on_loop else 30000

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers share the WAL snapshot without the write lock; writers take it now.
        statement = "BEGIN" if connection.get_execution_options().get("sqlite_read_only") else "BEGIN IMMEDIATE"
        if on_loop:  # straight to the driver, waiting for the lock without blocking the loop
            driver = connection.connection.driver_connection
            if driver.sqlite3_connection.in_transaction:
                return  # a unit of work began it on the driver (cantiere_runtime.unit_of_work): join it
            await_(driver.patiently(driver.sqlite3_connection.execute, statement))
        else:
            connection.exec_driver_sql(statement)


READ_ONLY = {"sqlite_read_only": True}
"""Execution options for a read-only connection: on SQLite it does not take the write lock."""
