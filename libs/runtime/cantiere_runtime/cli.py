"""The ``cantiere`` command: run the embedded system, declare streams, mint development tokens."""

from __future__ import annotations

import asyncio
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Cantiere: inclusion internships, run as event-sourced services.", no_args_is_help=True)


@app.command()
def up(
    territory: Annotated[str, typer.Option(help="Territory configuration code")] = "bari-pilot",
    data_dir: Annotated[Path, typer.Option(help="Where NATS, databases and logs live")] = Path("var"),
    nats_port: Annotated[int, typer.Option(envvar="CANTIERE_NATS_PORT", help="Port of the embedded NATS")] = 4322,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for every service to be healthy")] = 30.0,
) -> None:
    """Start NATS with JetStream, declare the streams, start every service; Ctrl-C stops everything."""
    from cantiere_runtime.embedded import EmbeddedSystem, plan_services
    from cantiere_runtime.territory import territory_by_code

    terr = territory_by_code(territory)
    system = EmbeddedSystem(data_dir=data_dir.resolve(), territory_code=terr.code, nats_port=nats_port)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        nats = system.start_nats()
        asyncio.run(_declare(nats.url))
        typer.echo(f"nats        {nats.url}  (JetStream, store {data_dir / 'nats'})")
        system.start_services(plan_services(terr))
        failed = 0
        for plan, healthy in system.wait_healthy(timeout):
            mark = "ok" if healthy else "NOT HEALTHY (see var/log)"
            failed += not healthy
            typer.echo(f"{plan.label:<28} {plan.url}  {mark}")
        typer.echo(f"Territorio {terr.name}: {len(system.processes)} servizi. Ctrl-C per fermare tutto.")
        if failed:
            typer.echo(f"{failed} service(s) not healthy: check the logs under {data_dir / 'log'}", err=True)
        stop.wait()
    finally:
        typer.echo("Arresto in corso / stopping...")
        system.stop()
        typer.echo("Fermato. Nessun processo rimasto / stopped, no process left.")


async def _declare(url: str) -> None:
    import nats as nats_client

    from cantiere_runtime.bus import declare_streams

    nc = await nats_client.connect(url)
    await declare_streams(nc.jetstream())
    await nc.close()


@app.command()
def streams(
    url: Annotated[str, typer.Option(envvar="CANTIERE_NATS__URL")] = "nats://127.0.0.1:4322",
    replicas: Annotated[int, typer.Option(help="3 on a JetStream cluster")] = 1,
) -> None:
    """Declare (create or update) Cantiere's streams once: the deployment's bootstrap step."""

    async def run() -> None:
        import nats as nats_client

        from cantiere_runtime.bus import declare_streams, server_urls

        nc = await nats_client.connect(servers=server_urls(url))  # a cluster: every node, comma-separated
        for name in await declare_streams(nc.jetstream(), replicas=replicas):
            typer.echo(f"stream {name} ready")
        await nc.close()

    asyncio.run(run())


@app.command()
def token(
    role: Annotated[str, typer.Option(help="social_worker, placement_operator, analyst, ...")],
    partner: Annotated[str, typer.Option(help="Partner code: municipality, consortium or monitoring")],
    user: Annotated[str, typer.Option(help="Pseudonymous user id")] = "dev-user",
    district: Annotated[str | None, typer.Option(help="District code (Bari's municipi)")] = None,
    host: Annotated[str | None, typer.Option(help="Host id (company tutors)")] = None,
    secret: Annotated[str | None, typer.Option(envvar="CANTIERE_TOKEN_SECRET", help="Signing secret")] = None,
    data_dir: Annotated[Path, typer.Option()] = Path("var"),
    hours: Annotated[int, typer.Option()] = 8,
) -> None:
    """Mint a development bearer token (signed with var/token-secret unless --secret is given)."""
    from datetime import timedelta

    from cantiere_runtime.auth import Principal, Role, mint_token
    from cantiere_runtime.embedded import token_secret

    key = secret or token_secret(data_dir)
    principal = Principal(user_id=user, role=Role(role), partner=partner, district=district, host_id=host)
    typer.echo(mint_token(key, principal, ttl=timedelta(hours=hours)))
