"""The monitoring service's command line: serve the API, write the Masterplan, rebuild projections."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from cantiere_runtime.backup_cli import add_database_commands
from cantiere_runtime.service import settle_heap

from cantiere_monitoring.bootstrap import load_settings

app = typer.Typer(help="Cantiere monitoring service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its projectors (settings from CANTIERE_* variables)."""
    from cantiere_monitoring.entrypoints.api import create_app

    settings = load_settings()
    served = create_app(settings)
    settle_heap()
    uvicorn.run(served, host=settings.http_host, port=settings.http_port, log_config=None, access_log=False)


@app.command()
def masterplan(
    out: Annotated[Path, typer.Option("--out", help="the file to write (.html or .pdf)")],
    territory: Annotated[str | None, typer.Option("--territory", help="territory code (default: settings)")] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="programme (default), a year (2008) or a quarter (2008-Q3); nothing else"),
    ] = None,
    start: Annotated[
        datetime | None,
        typer.Option("--from", formats=["%Y-%m-%d"], help="deprecated: only with --to naming exactly a --period"),
    ] = None,
    end: Annotated[
        datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="deprecated: only with --from naming exactly a --period"),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="it or en")] = "it",
    fmt: Annotated[
        str | None, typer.Option("--format", help="html or pdf (default: from the --out suffix, else html)")
    ] = None,
) -> None:
    """Write the Masterplan report (self-contained HTML, or PDF) of one fixed release from the read models."""
    from cantiere_runtime.errors import Unavailable, UserFacingError

    from cantiere_monitoring.bootstrap import command_figures, load_settings_territory, today
    from cantiere_monitoring.service_layer.figures import release_of
    from cantiere_monitoring.service_layer.masterplan import format_for, masterplan_document

    if lang not in ("it", "en"):
        raise typer.BadParameter("the language is 'it' or 'en'", param_hint="--lang")
    try:
        chosen = format_for(out, fmt)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--format") from error
    settings = load_settings(**({"territory": territory} if territory else {}))

    async def document() -> bytes:
        # The release is checked before any database work.
        release = release_of(load_settings_territory(settings), period, start and start.date(), end and end.date())
        async with command_figures(settings) as figures:
            return await masterplan_document(figures, release, lang, chosen, today)  # type: ignore[arg-type]

    try:
        written = asyncio.run(document())
    except Unavailable as error:  # e.g. figures withheld while a withdrawal waits to be applied
        typer.echo(f"{error.message_it}\n{error.message_en}", err=True)
        raise typer.Exit(3) from None
    except UserFacingError as error:
        raise typer.BadParameter(f"{error.message_it} / {error.message_en}", param_hint="--period") from error
    out.write_bytes(written)
    typer.echo(f"Masterplan ({chosen.upper()}) written to {out}")


@app.command()
def rebuild(names: Annotated[list[str] | None, typer.Argument(help="projection names (default: all)")] = None) -> None:
    """Drop the monitoring projections and replay them from the public stream (stop the service first)."""
    from cantiere_monitoring.bootstrap import build_runtime

    done = asyncio.run(build_runtime(load_settings()).rebuild(names or ()))
    for name, count in done.items():
        typer.echo(f"{name}: {count} events")


def _databases() -> list[tuple[str, str]]:
    settings = load_settings()
    return [(f"monitoring-{settings.partner}", settings.database_url)]


add_database_commands(app, _databases)


@app.callback()
def main() -> None:
    """Cantiere monitoring service."""
