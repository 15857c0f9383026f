"""The referrals service's command line: serve the API, rebuild the read models."""

from __future__ import annotations

import asyncio

import typer
import uvicorn

from cantiere_referrals.bootstrap import load_settings

app = typer.Typer(help="Cantiere referrals service", no_args_is_help=True)


@app.command()
def serve() -> None:
    """Start the HTTP API with its relay and projectors (settings from CANTIERE_* variables)."""
    from cantiere_referrals.entrypoints.api import create_app

    settings = load_settings()
    uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port, log_config=None)


@app.command()
def rebuild() -> None:
    """Drop and replay the read models of the service's own store (stop the service first)."""
    from cantiere_referrals.bootstrap import build_runtime

    async def run() -> int:
        runtime = build_runtime(load_settings(), follow_consortium=False)
        await runtime.start(connect_nats=False)
        try:
            assert runtime.local_projector is not None
            return await runtime.local_projector.rebuild()
        finally:
            await runtime.stop()

    typer.echo(f"replayed {asyncio.run(run())} events")


@app.callback()
def main() -> None:
    """Cantiere referrals service."""
