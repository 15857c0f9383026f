"""``python -m <service> vault keys|reencrypt``: the key rotation commands every service with a vault offers.

Output names key ids and row counts only, never a key or a value. Exit codes: 0 done, 2 refused (a key that
rows use is missing from the keyring, or the settings are wrong).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import typer
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import Component, migrate
from cantiere_runtime.vault import Keyring, VaultKeyError
from cantiere_runtime.vault_rotation import SealedTable, key_usage, reencrypt, retired_keys


@dataclass(frozen=True)
class VaultTarget:
    """One vault: its name in the output, its keyring, its sealed tables and how to open its database."""

    label: str
    keyring: Keyring
    tables: Sequence[SealedTable]
    engine: Callable[[], AbstractAsyncContextManager[AsyncEngine]]  # migrated, disposed on exit


@asynccontextmanager
async def migrated_engine(database_url: str, *components: Component) -> AsyncIterator[AsyncEngine]:
    """The service's database brought to its schema (as the service does at start), disposed on exit."""
    engine = create_engine(database_url)
    try:
        await migrate(engine, *components)
        yield engine
    finally:
        await engine.dispose()


def vault_app(targets: Callable[[], list[VaultTarget]]) -> typer.Typer:
    """The ``vault`` command group over the vaults ``targets()`` returns (one per municipality of a process)."""
    app = typer.Typer(help="Vault keys: which key seals how many rows; re-encrypt with the current key.")

    def each(work: Callable[[VaultTarget], Coroutine[Any, Any, None]]) -> None:
        try:
            found = targets()
        except ValueError as refused:
            typer.echo(f"rifiutato / refused: {refused}", err=True)
            raise typer.Exit(2) from None
        for target in found:
            typer.echo(f"== {target.label}")
            try:
                asyncio.run(work(target))
            except VaultKeyError as refused:
                typer.echo(f"rifiutato / refused: {refused}", err=True)
                raise typer.Exit(2) from None

    @app.command("keys")
    def keys() -> None:
        """Rows per key id: the current key, older keys still in use, keys retired (no row uses them)."""

        async def show(target: VaultTarget) -> None:
            async with target.engine() as engine, engine.connect() as conn:
                usage = await key_usage(conn, target.tables)
            ring = target.keyring
            for key_id in sorted(set(usage) | ring.ids):
                state = (
                    "current"
                    if key_id == ring.current_id
                    else "MISSING from the keyring"
                    if key_id not in ring.ids
                    else "in use: re-encrypt"
                    if usage.get(key_id)
                    else "retired: may be removed"
                )
                typer.echo(f"  {key_id}: {usage.get(key_id, 0)} rows ({state})")

        each(show)

    @app.command("reencrypt")
    def reencrypt_command(
        batch: int = typer.Option(200, min=1, help="Rows per committed batch."),
    ) -> None:
        """Seal every row with the current key, in committed batches (safe to stop and run again)."""

        async def run(target: VaultTarget) -> None:
            def progress(done: int, total: int) -> None:
                share = 100 if total == 0 else done * 100 // total
                typer.echo(f"  {done}/{total} ({share}%)")

            async with target.engine() as engine:
                report = await reencrypt(engine, target.keyring, target.tables, progress, batch)
            retired = retired_keys(target.keyring, report.usage)
            typer.echo(
                f"  ricifrate {report.moved}, restano {report.remaining} / re-encrypted {report.moved}, "
                f"{report.remaining} left; chiave corrente / current key {report.current}"
            )
            if retired:
                typer.echo(
                    f"  chiavi ritirate / retired keys (remove from CANTIERE_VAULT_OLD_KEYS): {', '.join(retired)}"
                )

        each(run)

    return app
