"""The ``cantiere`` command: run the embedded system, declare streams, run the development identity provider,
mint development tokens."""

from __future__ import annotations

import asyncio
import importlib.util
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

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
    timeout: Annotated[float, typer.Option(help="Seconds to wait for every service to be healthy")] = 60.0,
    demo: Annotated[
        bool, typer.Option(help="Play the territory's simulated programme once (the pilot), then run live")
    ] = True,
    demo_scale: Annotated[float, typer.Option(help="Fewer people in the demo, for a quicker run (0.3: a third)")] = 1.0,
) -> None:
    """Start NATS with JetStream, declare the streams, the development sign-in, every service; Ctrl-C stops all.

    With the demo (default), the territory's scenario is played once through the real APIs on the development
    clock; the clock then keeps running from the last simulated day (see README: the demo and the clock).
    """
    from cantiere_runtime.embedded import EmbeddedSystem, plan_services
    from cantiere_runtime.territory import territory_by_code

    terr = territory_by_code(territory)
    system = EmbeddedSystem(
        data_dir=data_dir.resolve(), territory_code=terr.code, nats_port=nats_port, idp_port=idp_port
    )
    # A data folder the demo was played into keeps the demo's territory, with or without --no-demo this time.
    played = (system.data_dir / "demo-played.json").exists()
    simulation = _demo(terr, system.data_dir, demo_scale) if demo or played else None
    if simulation is not None:
        system.service_env["CANTIERE_TERRITORY_FILE"] = str(simulation[1])
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
        if failed:
            typer.echo(f"{failed} service(s) not healthy: check the logs under {data_dir / 'log'}", err=True)
        elif simulation is not None and demo:  # in a thread, so that Ctrl-C stops everything while the demo plays
            player = threading.Thread(
                target=_play, args=(terr, simulation[0], system.data_dir, nats.url, system.idp_url), daemon=True
            )
            player.start()
            while player.is_alive() and not stop.wait(0.2):
                pass
        typer.echo(f"Territorio {terr.name}: {len(system.processes)} servizi. Ctrl-C per fermare tutto.")
        stop.wait()
    finally:
        typer.echo("Arresto in corso / stopping...")
        system.stop()
        typer.echo("Fermato. Nessun processo rimasto / stopped, no process left.")


def _demo(terr: Any, data_dir: Path, scale: float) -> tuple[Any, Path] | None:
    """The demo's scenario and its territory file (the programme period extended to the demo's), if any."""
    if importlib.util.find_spec("cantiere_simulator") is None:
        return None
    from cantiere_simulator.demo import demo_scenario, demo_territory_text

    from cantiere_runtime.territory import TERRITORIES_DIR

    scenario = demo_scenario(terr, scale)
    if scenario is None:
        return None
    path = data_dir / "demo" / "territory.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_territory_text(TERRITORIES_DIR / f"{terr.code}.yaml", scenario), encoding="utf-8")
    return scenario, path


def _play(terr: Any, scenario: Any, data_dir: Path, nats_url: str, idp_url: str) -> None:
    """Play the demo once per data folder, showing progress; a second `up` finds it played and carries on."""
    from cantiere_simulator.demo import already_played, play_demo, printer
    from cantiere_simulator.play import SimulationFailed

    if already_played(data_dir):
        typer.echo(f"demo: già caricata / already played ({already_played(data_dir)}; make clean, or another "
                   "--data-dir, to play it again)")  # fmt: skip
        return
    typer.echo(f"demo: {terr.name}, seme / seed {scenario.seed}, {scenario.people} persone segnalate / referred")
    try:
        programme = play_demo(terr, scenario, data_dir, nats_url, idp_url, printer(typer.echo))
    except SimulationFailed as exc:  # the services stay up: what was played is there, the logs say the rest
        typer.echo(f"demo: interrotta / stopped: {exc}", err=True)
        return
    except Exception as exc:  # e.g. a connection lost: said in one line, the services stay up
        typer.echo(f"demo: interrotta / stopped: {type(exc).__name__}", err=True)
        return
    referred, started = sum(programme.tally.referred.values()), sum(programme.tally.started.values())
    typer.echo(
        f"demo: fatto / done: {referred} segnalate, {started} tirocini avviati; "
        f"l'orologio continua dal {programme.last_day.isoformat()} / the clock runs on from the last simulated day"
    )


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


@app.command("backup-streams")
def backup_streams(
    directory: Annotated[Path, typer.Argument(help="where to write one <STREAM>.jsonl per stream")],
    url: Annotated[str, typer.Option(envvar="CANTIERE_NATS__URL")] = "nats://127.0.0.1:4322",
    stream: Annotated[
        list[str] | None, typer.Option("--stream", help="only these streams (default: every one)")
    ] = None,
) -> None:
    """Back up JetStream streams message for message (subjects, headers, Nats-Msg-Id), while they run."""

    async def run() -> None:
        import nats as nats_client

        from cantiere_runtime.backup_streams import backup_stream
        from cantiere_runtime.bus import server_urls

        nc = await nats_client.connect(servers=server_urls(url))
        try:
            js = nc.jetstream()
            names = stream or sorted(info.config.name for info in await js.streams_info() if info.config.name)
            for name in names:
                copy = await backup_stream(js, name, directory, _progress(name))
                typer.echo(f"{name}: {copy.messages} messages (sequences {copy.first_seq}-{copy.last_seq})")
        finally:
            await nc.close()

    asyncio.run(run())


@app.command("restore-streams")
def restore_streams(
    directory: Annotated[Path, typer.Argument(help="the directory `backup-streams` wrote")],
    url: Annotated[str, typer.Option(envvar="CANTIERE_NATS__URL")] = "nats://127.0.0.1:4322",
) -> None:
    """Recreate each backed-up stream in a server where it is absent or empty, same sequences; then `streams`."""

    async def run() -> int:
        import nats as nats_client

        from cantiere_runtime.backup_streams import StreamBackupError, restore_stream
        from cantiere_runtime.bus import server_urls

        nc = await nats_client.connect(servers=server_urls(url))
        try:
            js = nc.jetstream()
            for path in sorted(directory.glob("*.jsonl")):
                try:
                    copy = await restore_stream(js, path, _progress(path.stem))
                except StreamBackupError as refused:
                    typer.echo(f"rifiutato / refused: {refused}", err=True)
                    return 2
                typer.echo(
                    f"{copy.stream}: {copy.messages} messages restored (sequences {copy.first_seq}-{copy.last_seq})"
                )
            return 0
        finally:
            await nc.close()

    if code := asyncio.run(run()):
        raise typer.Exit(code)


def _progress(name: str) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        typer.echo(f"  {name}: {done}/{total}")

    return show


@app.command("dev-idp")
def dev_idp(
    territory: Annotated[str, typer.Option(help="Territory configuration code")] = "bari-pilot",
    data_dir: Annotated[Path, typer.Option(help="Where the provider keeps its keys (idp/)")] = Path("var"),
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="CANTIERE_DEV_IDP_PORT")] = 8900,
    territory_file: Annotated[Path | None, typer.Option(help="A territory YAML file instead of a shipped one")] = None,
) -> None:
    """Serve the development identity provider: one OpenID Connect issuer per partner, demo users. Never production."""
    from cantiere_runtime.identity.dev_provider import ProductionRefused, serve
    from cantiere_runtime.territory import load_territory, territory_by_code

    terr = load_territory(territory_file) if territory_file else territory_by_code(territory)
    try:
        serve(terr, data_dir.resolve(), host, port)
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
