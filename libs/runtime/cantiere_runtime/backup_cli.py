"""``python -m <service> backup DIR`` / ``restore DIR``: one file per database of the process, named after it.

Exit codes: 0 done, 2 refused (a target that is not empty, a missing backup file, missing PostgreSQL tools).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from cantiere_runtime.backup_db import BackupError, backup_database, restore_database, suffix_for

# (name of the backup file without suffix, database URL) for each database the process owns
Databases = Callable[[], list[tuple[str, str]]]


def add_database_commands(app: typer.Typer, databases: Databases) -> None:
    """Register ``backup`` and ``restore`` on a service's command line."""

    @app.command()
    def backup(
        directory: Annotated[Path, typer.Argument(help="where to write the backup files (created if missing)")],
    ) -> None:
        """Back up the service's database(s) while it runs: SQLite online backup, or pg_dump (custom format)."""
        for name, url in databases():
            try:
                written = backup_database(url, directory / name)
            except BackupError as refused:
                typer.echo(f"rifiutato / refused: {name}: {refused}", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"{name}: {written} ({written.stat().st_size} bytes)")

    @app.command()
    def restore(
        directory: Annotated[Path, typer.Argument(help="the directory a `backup` wrote")],
    ) -> None:
        """Restore the service's database(s) from a backup into empty databases (service stopped)."""
        for name, url in databases():
            source = directory / f"{name}{suffix_for(url)}"
            try:
                restore_database(url, source)
            except BackupError as refused:
                typer.echo(f"rifiutato / refused: {name}: {refused}", err=True)
                raise typer.Exit(2) from None
            typer.echo(f"{name}: restored from {source}")
