"""The referrals service's command line: serve the API, rebuild the read models, erase when retention has run."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from functools import partial

import typer
import uvicorn
from cantiere_runtime.backup_cli import add_database_commands
from cantiere_runtime.service import settle_heap
from cantiere_runtime.vault_cli import VaultTarget, migrated_engine, vault_app

from cantiere_referrals.bootstrap import load_settings

app = typer.Typer(help="Cantiere referrals service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its relay and projectors (settings from CANTIERE_* variables)."""
    from cantiere_referrals.entrypoints.api import create_app

    settings = load_settings()
    served = create_app(settings)
    settle_heap()
    uvicorn.run(served, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


@app.command()
def rebuild() -> None:
    """Drop and replay the read models of the service's own store (stop the service first)."""
    from cantiere_referrals.bootstrap import Settings, build_runtime

    async def run(settings: Settings) -> int:
        runtime = build_runtime(settings, follow_consortium=False)
        await runtime.start(connect_nats=False)
        try:
            assert runtime.local_projector is not None
            return await runtime.local_projector.rebuild()
        finally:
            await runtime.stop()

    settings = load_settings()
    for code in settings.serves:  # each municipality of the process has its own store
        typer.echo(f"{code}: replayed {asyncio.run(run(settings.for_municipality(code)))} events")


@app.command()
def retention(
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="YYYY-MM-DD", help="Reference date (default: today; a future one only with --dry-run)."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List who is due, erase nothing."),
) -> None:
    """Erase the personal data whose retention period has run (CANTIERE_RETENTION__* set by the DPO)."""
    from cantiere_referrals.entrypoints.retention_cli import retention as run_retention

    # The only clock of the retention job; dates in the log are UTC days too.
    run_retention(as_of, dry_run, today=datetime.now(UTC).date())


@app.command("reissue-tokens")
def reissue_tokens() -> None:
    """Re-register every person's keep-apart tokens from the vault in canonical form (run once when upgrading)."""
    from cantiere_referrals.entrypoints.reissue_cli import reissue

    reissue()


def _vaults() -> list[VaultTarget]:
    from cantiere_referrals.adapters.vault import SEALED_TABLES
    from cantiere_referrals.bootstrap import COMPONENT, keyring_of

    settings = load_settings()
    settings.check_vault_keys()
    members = [settings.for_municipality(code) for code in settings.serves]
    return [
        VaultTarget(m.partner, keyring_of(m), SEALED_TABLES, partial(migrated_engine, m.database_url, COMPONENT))
        for m in members
    ]


app.add_typer(vault_app(_vaults), name="vault")


def _databases() -> list[tuple[str, str]]:
    settings = load_settings()
    return [(f"referrals-{code}", settings.for_municipality(code).database_url) for code in settings.serves]


add_database_commands(app, _databases)


@app.callback()
def main() -> None:
    """Cantiere referrals service."""
