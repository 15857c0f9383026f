"""``cantiere-simulate``: plan a territory's scenario, or run the scale mode (never in production)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Cantiere's development simulator.", no_args_is_help=True)


@app.command()
def plan(
    territory: Annotated[str, typer.Option(help="Territory code (its scenario lives beside it)")] = "bari-pilot",
    scale: Annotated[float, typer.Option(help="Fewer people per municipality")] = 1.0,
) -> None:
    """Print what the scenario's programme will do (pure: nothing is started)."""
    from collections import Counter

    from cantiere_runtime.territory import territory_by_code

    from cantiere_simulator.demo import demo_scenario
    from cantiere_simulator.plan import plan_programme

    terr = territory_by_code(territory)
    scenario = demo_scenario(terr, scale)
    if scenario is None:
        raise typer.BadParameter(f"no scenario beside the territory {territory}")
    programme = plan_programme(scenario, terr)
    tally = programme.tally
    typer.echo(f"{len(programme.steps)} steps, {programme.steps[0].day} to {programme.last_day}")
    typer.echo(f"referred (counted): {dict(tally.referred)}; started: {sum(tally.started.values())}")
    for kind, count in sorted(Counter(s.kind for s in programme.steps).items()):
        typer.echo(f"  {kind:<20} {count}")


@app.command()
def scale(
    municipalities: Annotated[int, typer.Option(min=1, help="How many invented municipalities")] = 20,
    years: Annotated[int, typer.Option(min=1, help="How many years of programme")] = 2,
    per_year: Annotated[int, typer.Option(min=1, help="People referred a year by each municipality")] = 2,
    seed: Annotated[int, typer.Option()] = 1,
    data_dir: Annotated[Path, typer.Option(help="A new folder for this run")] = Path("var/scale"),
    nats_port: Annotated[int, typer.Option()] = 4323,
    idp_port: Annotated[int, typer.Option()] = 8900,
) -> None:
    """N municipalities x M years through the real services, as fast as they accept; a final line of rates."""
    from cantiere_runtime.embedded import EmbeddedSystem, plan_services
    from cantiere_runtime.territory import load_territory

    from cantiere_simulator.demo import embedded_services
    from cantiere_simulator.plan import plan_programme
    from cantiere_simulator.play import Player, SimulationFailed
    from cantiere_simulator.scale import Rates, public_events, write_scale_files
    from cantiere_simulator.tokens import DevTokens

    data_dir = data_dir.resolve()
    if data_dir.exists() and any(data_dir.iterdir()):
        raise typer.BadParameter(f"{data_dir} is not empty: remove it, or name another --data-dir")
    path, scenario = write_scale_files(data_dir, municipalities, years, per_year, seed)
    terr = load_territory(path)
    programme = plan_programme(scenario, terr)
    typer.echo(f"scale: {terr.name}: {scenario.people} persone, {len(programme.steps)} passi / steps")
    system = EmbeddedSystem(data_dir, terr.code, nats_port=nats_port, idp_port=idp_port, territory_file=path)
    try:
        nats = system.start_nats()
        asyncio.run(_declare(nats.url))
        system.start_identity_provider()
        system.start_services(plan_services(terr))
        unhealthy = [plan.label for plan, ok in system.wait_healthy(120) if not ok]
        if unhealthy:
            raise typer.Exit(f"not healthy: {unhealthy} (logs under {data_dir / 'log'})")  # type: ignore[arg-type]
        started = time.monotonic()
        player = Player(
            programme, terr, embedded_services(terr), DevTokens(terr, data_dir, system.idp_url), nats.url,
            _bar(started), allowance_cents=scenario.monthly_allowance_cents,
        )  # fmt: skip
        try:
            asyncio.run(player.run(leave_clock_running=False))
        except SimulationFailed as exc:
            typer.echo(f"\nscale: interrotta / stopped: {exc}", err=True)
        seconds = time.monotonic() - started
        events = asyncio.run(public_events(nats.url))
        typer.echo("\n" + Rates(player.done, player.requests, events, seconds).line(municipalities, years))
    finally:
        system.stop()


def _bar(started: float):  # type: ignore[no-untyped-def]
    def show(done: int, total: int, day: object) -> None:
        width = 40
        filled = width * done // total
        rate = done / max(time.monotonic() - started, 1e-9)
        typer.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {day} {rate:.1f} passi/s", nl=False)

    return show


async def _declare(url: str) -> None:
    import nats as nats_client
    from cantiere_runtime.bus import declare_streams

    nc = await nats_client.connect(url)
    await declare_streams(nc.jetstream())
    await nc.close()


if __name__ == "__main__":
    app()
