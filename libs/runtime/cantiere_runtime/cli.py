"""The ``cantiere`` command: run the embedded system, declare streams, run the development identity provider,
mint development tokens."""

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
    idp_port: Annotated[
        int, typer.Option(envvar="CANTIERE_DEV_IDP_PORT", help="Port of the development identity provider")
    ] = 8900,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for every service to be healthy")] = 30.0,
) -> None:
    """Start NATS with JetStream, declare the streams, the development sign-in, every service; Ctrl-C stops all."""
    from cantiere_runtime.embedded import EmbeddedSystem, plan_services
    from cantiere_runtime.territory import territory_by_code

    terr = territory_by_code(territory)
    system = EmbeddedSystem(
        data_dir=data_dir.resolve(), territory_code=terr.code, nats_port=nats_port, idp_port=idp_port
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        nats = system.start_nats()
        asyncio.run(_declare(nats.url))
        typer.echo(f"nats        {nats.url}  (JetStream, store {data_dir / 'nats'})")
        idp_ok = system.start_identity_provider()
        typer.echo(
            f"{'identity (development)':<28} {system.idp_url}  {'ok' if idp_ok else 'NOT HEALTHY (see var/log)'}"
        )
        system.start_services(plan_services(terr))
        failed = 0
        for plan, healthy in system.wait_healthy(timeout):
            mark = "ok" if healthy else "NOT HEALTHY (see var/log)"
            failed += not healthy
            typer.echo(f"{plan.label:<28} {plan.url}  {mark}")
        if system.processes:
            first = system.processes[0][0].url
            typer.echo(f"Accesso / sign in: {first}/accedi (e /accedi di ogni servizio): scegli un utente dimostrativo")
            typer.echo("API: `cantiere token --role ROLE --partner PARTNER` firma un token di sviluppo")
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
    tls_ca: Annotated[
        Path | None, typer.Option(envvar="CANTIERE_NATS__TLS_CA", help="CA certificate to verify the server's TLS")
    ] = None,
) -> None:
    """Declare (create or update) Cantiere's streams once: the deployment's bootstrap step."""

    async def run() -> None:
        import ssl

        import nats as nats_client

        from cantiere_runtime.bus import declare_streams, server_urls

        tls = {"tls": ssl.create_default_context(cafile=str(tls_ca))} if tls_ca else {}
        nc = await nats_client.connect(servers=server_urls(url), **tls)  # a cluster: every node, comma-separated
        for name in await declare_streams(nc.jetstream(), replicas=replicas):
            typer.echo(f"stream {name} ready")
        await nc.close()

    asyncio.run(run())


@app.command("dev-idp")
def dev_idp(
    territory: Annotated[str, typer.Option(help="Territory configuration code")] = "bari-pilot",
    data_dir: Annotated[Path, typer.Option(help="Where the provider keeps its keys (idp/)")] = Path("var"),
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="CANTIERE_DEV_IDP_PORT")] = 8900,
) -> None:
    """Serve the development identity provider: one OpenID Connect issuer per partner, demo users. Never production."""
    from cantiere_runtime.identity.dev_provider import ProductionRefused, serve
    from cantiere_runtime.territory import territory_by_code

    try:
        serve(territory_by_code(territory), data_dir.resolve(), host, port)
    except ProductionRefused as exc:
        typer.echo(f"Rifiutato in produzione / refused in production: {exc}", err=True)
        raise typer.Exit(2) from None


@app.command()
def token(
    role: Annotated[str, typer.Option(help="social_worker, placement_operator, analyst, ...")],
    partner: Annotated[str, typer.Option(help="Partner code: municipality, consortium, employment centre, monitoring")],
    user: Annotated[str, typer.Option(help="Pseudonymous user id")] = "dev-user",
    district: Annotated[str | None, typer.Option(help="District code (Bari's municipi)")] = None,
    host: Annotated[str | None, typer.Option(help="Host id (company tutors)")] = None,
    territory: Annotated[str, typer.Option(help="Territory configuration code")] = "bari-pilot",
    data_dir: Annotated[Path, typer.Option(help="The data folder of `cantiere up` (its idp/ keys)")] = Path("var"),
    idp_url: Annotated[str, typer.Option(help="Address of the development identity provider")] = (
        "http://127.0.0.1:8900"
    ),
    hours: Annotated[int, typer.Option()] = 8,
    audience: Annotated[
        str | None,
        typer.Option(help="The service it is for (default: the partner's own; monitoring for a planner)"),
    ] = None,
) -> None:
    """Mint a development bearer token, signed with the development provider's key of the partner."""
    from datetime import timedelta

    from cantiere_runtime.auth import Principal, Role
    from cantiere_runtime.identity.dev_provider import issuer_url, key_path
    from cantiere_runtime.identity.dev_users import MONITORING_AUDIENCE, audience_for
    from cantiere_runtime.identity.keys import load_or_create_key, mint_token
    from cantiere_runtime.territory import territory_by_code

    if audience is None:
        planner = role == Role.DISTRICT_PLANNER.value
        audience = MONITORING_AUDIENCE if planner else audience_for(territory_by_code(territory), partner)
    principal = Principal(user_id=user, role=Role(role), partner=partner, district=district, host_id=host)
    key = load_or_create_key(key_path(data_dir.resolve(), partner))
    issued = mint_token(
        key, principal, issuer=issuer_url(idp_url, partner), audience=audience, ttl=timedelta(hours=hours)
    )
    typer.echo(issued)


if __name__ == "__main__":
    app()
