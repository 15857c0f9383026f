"""Pieces the services' command lines share: rebuilding projections with visible progress."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import typer

from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.stream_projector import ProjectionBlocked


def rebuild_projections(runtime: ServiceRuntime, names: Sequence[str] = ()) -> None:
    """Drop and replay projections, printing progress; the service must be stopped meanwhile."""

    def progress(done: int, total: int) -> None:
        of = f"/{total}" if total else ""
        typer.echo(f"\r  {done}{of} eventi riapplicati / events replayed", nl=False)

    try:
        results = asyncio.run(runtime.rebuild(names, progress))
    except ProjectionBlocked as blocked:
        typer.echo("")
        typer.echo(
            f"La proiezione {blocked.projection} si è fermata all'evento {blocked.stream_sequence}: non riesce ad "
            "applicarlo e non può saltarlo. Correggere la causa (vedi log) e rilanciare.\n"
            f"Projection {blocked.projection} stopped at event {blocked.stream_sequence}: it cannot apply it and "
            "must not skip it. Fix the cause (see the log) and run again.",
            err=True,
        )
        raise typer.Exit(3) from None
    typer.echo("")
    for name, count in results.items():
        typer.echo(f"{name}: ricostruita da {count} eventi / rebuilt from {count} events")
    if names and (missing := set(names) - set(results)):
        typer.echo(f"Proiezioni sconosciute / unknown projections: {', '.join(sorted(missing))}", err=True)
        raise typer.Exit(2)
