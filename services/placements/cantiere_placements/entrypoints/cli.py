"""The placements service's command line: serve the API, rebuild the read models."""

from __future__ import annotations

from functools import partial
from typing import Annotated

import typer
import uvicorn
from cantiere_runtime.backup_cli import add_database_commands
from cantiere_runtime.cli_support import rebuild_projections
from cantiere_runtime.service import settle_heap
from cantiere_runtime.vault_cli import VaultTarget, migrated_engine, vault_app

from cantiere_placements.bootstrap import build_runtime, load_settings, view_projections

app = typer.Typer(help="Cantiere placements service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its relay and projectors (settings from CANTIERE_* variables)."""
    from cantiere_placements.entrypoints.api import create_app

    settings = load_settings()
    served = create_app(settings)
    settle_heap()
    uvicorn.run(served, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


@app.command()
def rebuild(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="projections to rebuild (default: the read models; name an intake to replay it)"),
    ] = None,
) -> None:
    """Drop and replay projections (stop the service first).

    By default only the read models of the service's own store. The referral intake is not a view: its
    'rows' are candidate events. Replaying it (by name: referral_intake_public, referral_intake_restricted)
    appends nothing already applied, and picks up what an older intake did not read.
    """
    rebuild_projections(build_runtime(load_settings()), names or [p.name for p in view_projections()])


@app.command()
def digest(
    operator: Annotated[str | None, typer.Option(help="an operator's user id (default: every operator)")] = None,
    on: Annotated[str | None, typer.Option(help="the day, YYYY-MM-DD (default: today in Italy)")] = None,
) -> None:
    """The daily digest: what became due or overdue among each operator's open cases (schedule it daily)."""
    from datetime import date

    from cantiere_placements.entrypoints.digest_cli import run_digest

    typer.echo(run_digest(load_settings(), operator, date.fromisoformat(on) if on else None))


def _vaults() -> list[VaultTarget]:
    from cantiere_placements.adapters.vault import SEALED_TABLES
    from cantiere_placements.bootstrap import COMPONENT, keyring_of

    settings = load_settings()
    settings.check_vault_keys()
    engine = partial(migrated_engine, settings.database_url, COMPONENT)
    return [VaultTarget(settings.partner, keyring_of(settings), SEALED_TABLES, engine)]


app.add_typer(vault_app(_vaults), name="vault")


def _databases() -> list[tuple[str, str]]:
    settings = load_settings()
    return [(f"placements-{settings.partner}", settings.database_url)]


add_database_commands(app, _databases)


@app.callback()
def main() -> None:
    """Cantiere placements service."""
