"""Pieces the services' command lines share: rebuilding projections with visible progress."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import typer

from cantiere_runtime.service import ServiceRuntime


def rebuild_projections(runtime: ServiceRuntime, names: Sequence[str] = ()) -> None:
    """Drop and replay projections, printing progress; the service must be stopped meanwhile."""

    def progress(done: int, total: int) -> None:
        of = f"/{total}" if total else ""
        typer.echo(f"\r  {done}{of} eventi riapplicati / events replayed", nl=False)

    results = asyncio.run(runtime.rebuild(names, progress))
    typer.echo("")
    for name, count in results.items():
        typer.echo(f"{name}: ricostruita da {count} eventi / rebuilt from {count} events")
    if names and (missing := set(names) - set(results)):
        typer.echo(f"Proiezioni sconosciute / unknown projections: {', '.join(sorted(missing))}", err=True)
        raise typer.Exit(2)
