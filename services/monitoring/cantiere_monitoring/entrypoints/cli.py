"""The monitoring service's command line: serve the API, write the Masterplan, rebuild projections."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from cantiere_monitoring.bootstrap import load_settings

app = typer.Typer(help="Cantiere monitoring service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its projectors (settings from CANTIERE_* variables)."""
    from cantiere_monitoring.entrypoints.api import create_app

    settings = load_settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


@app.command()
def masterplan(
    out: Annotated[Path, typer.Option("--out", help="the HTML file to write")],
    territory: Annotated[str | None, typer.Option("--territory", help="territory code (default: settings)")] = None,
    start: Annotated[datetime | None, typer.Option("--from", formats=["%Y-%m-%d"], help="first day")] = None,
    end: Annotated[datetime | None, typer.Option("--to", formats=["%Y-%m-%d"], help="last day")] = None,
    lang: Annotated[str, typer.Option("--lang", help="it or en")] = "it",
) -> None:
    """Write the Masterplan report (self-contained HTML) from the monitoring read models."""
    from cantiere_monitoring.service_layer.masterplan import masterplan_html

    if lang not in ("it", "en"):
        raise typer.BadParameter("the language is 'it' or 'en'", param_hint="--lang")
    settings = load_settings(**({"territory": territory} if territory else {}))
    html = asyncio.run(masterplan_html(settings, start and start.date(), end and end.date(), lang))  # type: ignore[arg-type]
    out.write_text(html, encoding="utf-8")
    typer.echo(f"Masterplan written to {out}")


@app.command()
def rebuild(names: Annotated[list[str] | None, typer.Argument(help="projection names (default: all)")] = None) -> None:
    """Drop the monitoring projections and replay them from the public stream (stop the service first)."""
    from cantiere_monitoring.bootstrap import build_runtime

    done = asyncio.run(build_runtime(load_settings()).rebuild(names or ()))
    for name, count in done.items():
        typer.echo(f"{name}: {count} events")


@app.callback()
def main() -> None:
    """Cantiere monitoring service."""
