"""The placements service's command line: serve the API (more commands join as the service grows)."""

from __future__ import annotations

import typer
import uvicorn

from cantiere_placements.bootstrap import load_settings

app = typer.Typer(help="Cantiere placements service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its relay and projectors (settings from CANTIERE_* variables)."""
    from cantiere_placements.entrypoints.api import create_app

    settings = load_settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


@app.callback()
def main() -> None:
    """Cantiere placements service."""
