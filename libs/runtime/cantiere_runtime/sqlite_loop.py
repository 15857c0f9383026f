"""SQLite on the event loop: a driver for SQLAlchemy's asyncio extension that runs sqlite3 without a thread.

aiosqlite hands every call to a worker thread and the answer back to the loop. On a small machine that
hand-over costs far more than the statement: about 150 µs a hop here, and a SQLAlchemy ``execute`` made of
several calls about 500 µs, while a statement on a local WAL database takes a few µs. This driver has the
shape SQLAlchemy's aiosqlite dialect expects (it reuses that dialect whole) and calls sqlite3 in place.

The one wait that may last is the database's write lock, and a blocked loop could never let the transaction
holding it (another coroutine's, paused at an ``await``) finish. So sqlite3 never waits here (its busy timeout
is 0): a statement refused with SQLITE_BUSY is tried again after an ``asyncio.sleep``, with growing pauses,
until the configured ``timeout`` (seconds, as sqlite3's) has passed; then the error is raised as sqlite3 would
raise it. Writers take the lock at ``BEGIN IMMEDIATE`` (cantiere_runtime.db), so that is where they wait.

What runs on the loop is the statements themselves: a query that scans a large table holds the loop for as
long as it runs. The services' statements are indexed lookups and short writes; PostgreSQL is the database
for volumes where that would not hold.
"""

from __future__ import annotations

import asyncio
import sqlite3
import types
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")

SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517  # a read snapshot that cannot become a write: trying again never helps
FIRST_PAUSE, LONGEST_PAUSE = 0.0005, 0.05


def _busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # older sqlite3 modules: only the message says it
        return "database is locked" in str(exc)
    return code & 0xFF == SQLITE_BUSY and code != SQLITE_BUSY_SNAPSHOT


class Cursor:
    """A sqlite3 cursor with aiosqlite's coroutine methods, run in place."""

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        await self._connection.patiently(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any] | dict[str, Any]]) -> Cursor:
        rows = list(parameters)  # a retry must see every row again
        await self._connection.patiently(self._cursor.executemany, sql, rows)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class Connection:
    """A sqlite3 connection with aiosqlite's coroutine methods; waits for the lock without blocking the loop."""

    def __init__(self, connection: sqlite3.Connection, timeout: float) -> None:
        self._connection: sqlite3.Connection | None = connection
        self.timeout = timeout

    @property
    def _raw(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    @property
    def sqlite3_connection(self) -> sqlite3.Connection:
        """The sqlite3 connection itself, for statements that cannot meet the lock (see cantiere_runtime.store_sql)."""
        return self._raw

    async def patiently(self, call: Callable[..., T], *args: Any) -> T:
        """Call sqlite3; while the database is locked by another connection, pause and call again."""
        pause, waited = FIRST_PAUSE, 0.0
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or waited >= self.timeout:
                    raise
            await asyncio.sleep(pause)
            waited += pause
            pause = min(LONGEST_PAUSE, pause * 2)

    def cursor(self) -> Cursor:
        return Cursor(self, self._raw.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await self.patiently(self._raw.commit)

    async def rollback(self) -> None:
        self._raw.rollback()

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kw: Any) -> None:
        self._raw.create_function(*args, **kw)

    @property
    def isolation_level(self) -> str | None:
        return self._raw.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._raw.isolation_level = value  # type: ignore[assignment]


async def connect(database: str, *, timeout: float = 5.0, **kwargs: Any) -> Connection:
    """Open a connection; ``timeout`` is how long a statement may wait for the lock (never blocking the loop)."""
    kwargs["check_same_thread"] = False  # the pool may close a connection from the thread that collects it
    return Connection(sqlite3.connect(database, timeout=0, **kwargs), timeout)


# What SQLAlchemy's aiosqlite adapter reads from the aiosqlite module, taken from sqlite3 and this module.
_module = types.SimpleNamespace(
    __version__="1.0",
    connect=connect,
    Connection=Connection,
    **{
        name: getattr(sqlite3, name)
        for name in (
            "DatabaseError",
            "Error",
            "IntegrityError",
            "NotSupportedError",
            "OperationalError",
            "ProgrammingError",
            "sqlite_version",
            "sqlite_version_info",
        )
    },
)


class _AdaptedConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    @property
    def isolation_level(self) -> str | None:
        return self._connection.isolation_level  # type: ignore[no-any-return]

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        # aiosqlite's adapter sends this to its worker thread; here there is none.
        self._connection.isolation_level = value


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _AdaptedConnection:
        creator = kw.pop("async_creator_fn", None)
        connection = creator(*arg, **kw) if creator else connect(*arg, **kw)
        return _AdaptedConnection(self, await_(connection))


class SQLiteDialectOnLoop(SQLiteDialect_aiosqlite):
    """``sqlite+onloop://``: SQLAlchemy's aiosqlite dialect over this driver."""

    driver = "onloop"
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> AsyncAdapt_aiosqlite_dbapi:
        return _Dbapi(_module, sqlite3)  # type: ignore[arg-type]


dialect = SQLiteDialectOnLoop
