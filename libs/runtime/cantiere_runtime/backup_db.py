"""Back up and restore a service's database: SQLite with its online backup API, PostgreSQL with pg_dump/pg_restore.

A backup is one file: a SQLite database (``.sqlite``) or a PostgreSQL custom-format archive (``.pgdump``),
taken while the service runs (SQLite's backup API copies a consistent snapshot; pg_dump reads one
transaction). A restore goes into an *empty* database only, so it can never overwrite a live one.
The vault stays encrypted in the backup: keep the vault keys (and ``CANTIERE_VAULT_OLD_KEYS``) apart from it,
and every key a backup's rows use until that backup is destroyed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

SQLITE_SUFFIX = ".sqlite"
POSTGRES_SUFFIX = ".pgdump"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done (non-empty target, missing tool, wrong file)."""


def is_sqlite(database_url: str) -> bool:
    """Whether the URL names a SQLite database."""
    return make_url(database_url).get_backend_name() == "sqlite"


def suffix_for(database_url: str) -> str:
    """The backup file suffix of this kind of database."""
    return SQLITE_SUFFIX if is_sqlite(database_url) else POSTGRES_SUFFIX


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up")
    return Path(url.database)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it (kept out of the process list)."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return plain, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools)")
    return found


def backup_database(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to ``target`` (its suffix is set by the kind of database)."""
    url = make_url(database_url)
    target = target.with_suffix(suffix_for(database_url))
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    if is_sqlite(database_url):
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"no database at {source}")
        with sqlite3.connect(source) as src, sqlite3.connect(partial) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        plain, env = _libpq(url)
        command = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}", plain]
        _run(command, env)
    partial.replace(target)  # a backup file is either complete or absent
    return target


def restore_database(database_url: str, source: Path) -> None:
    """Load a backup into the database of ``database_url``, which must be empty (no table)."""
    url = make_url(database_url)
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    if source.suffix != suffix_for(database_url):
        raise BackupError(f"{source.name} is not a backup of this kind of database ({suffix_for(database_url)})")
    if tables_in(database_url):
        raise BackupError("the target database is not empty: restore only into an empty database")
    if is_sqlite(database_url):
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        src.close()
        dst.close()
    else:
        plain, env = _libpq(url)
        command = [
            _tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
            f"--dbname={plain}", str(source),
        ]  # fmt: skip
        _run(command, env)


def tables_in(database_url: str) -> list[str]:
    """The tables the database holds (none: empty, or not there yet)."""
    url = make_url(database_url)
    if is_sqlite(database_url):
        path = _sqlite_path(url)
        if not path.exists():
            return []
        with sqlite3.connect(path) as lite:
            rows = lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        lite.close()
        return sorted(r[0] for r in rows)
    engine = sa.create_engine(url.set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as conn:
            query = sa.text(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
            return sorted(conn.execute(query).scalars())
    finally:
        engine.dispose()


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-500:]}")
