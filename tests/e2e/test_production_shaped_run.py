"""docker-compose.yml, proven without Docker: every service it names runs as a process with exactly its environment,
command and secrets (made by `make secrets`' own code), CANTIERE_ENVIRONMENT=production, on NATS with the generated
accounts and TLS, each service on its own PostgreSQL database and login (SQLite files when
CANTIERE_TEST_POSTGRES_URL is not set or psql is missing), signing in through https issuers the production way.

What differs from a container deployment is listed in ``compose_run.REWRITES`` and nothing else.

The identity provider is the development provider's code served over https with a certificate from a test CA, and
trusted by the services as an ordinary external issuer (https, discovery, JWKS, no ``development`` flag, no inline
keys): production's checks refuse only what marks a development provider, and tokens are verified as from any IdP.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.db import create_engine
from cantiere_runtime.identity.dev_users import audience_for
from cantiere_runtime.schema import events
from sqlalchemy import func, select

from tests.integration.deploy.conftest import compose_generate
from tests.support.identity import RunningProvider, dev_provider

from .compose_run import SERVICES, ComposeRun
from .people import Invented
from .processes import until
from .programme import CONSORTIUM, EMPLOYMENT_CENTRE, MONITORING, TERRITORY, Api

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

APPS = [name for name, s in SERVICES.items() if s.get("command", [None])[:2] == ["python", "-m"]]
RETENTION = [name for name in SERVICES if name.startswith("retention-")]
REFERRED_AT = {"ambito-bari": "bari", "ambito-mola-di-bari": "noicattaro", "ambito-triggiano": "capurso"}
PER_MUNICIPALITY = 5  # the disclosure threshold: fewer would be withheld by the Region's figures
NAMES = ["Alloro", "Borragine", "Cedrina", "Dittamo", "Erisimo"]


class Clock:
    """Seconds since the start at each step, printed with the run (figures, not assertions)."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.laps: list[str] = []

    def lap(self, what: str) -> None:
        self.laps.append(f"{what} at {time.monotonic() - self.start:.1f}s")

    def report(self) -> str:
        return "; ".join(self.laps)


def postgres_url() -> str | None:
    url = os.environ.get("CANTIERE_TEST_POSTGRES_URL")
    if url and shutil.which("psql"):
        return url
    print("production-shaped run on SQLite files:", "psql missing" if url else "CANTIERE_TEST_POSTGRES_URL not set")
    return None


@pytest.fixture
def test_ca(tmp_path: Path) -> tuple[Path, ssl.SSLContext]:
    """A test CA's certificate file, and an https server context for 127.0.0.1 / localhost signed by it."""
    now = dt.datetime.now(dt.UTC)
    ca = compose_generate.new_ca("Cantiere test CA", now)
    cert, key = compose_generate.issue_server_cert(ca, ("localhost", "127.0.0.1"), now)
    (tmp_path / "test-ca.crt").write_text(compose_generate.pem(ca[1]), encoding="utf-8")
    (tmp_path / "idp.crt").write_text(cert, encoding="utf-8")
    (tmp_path / "idp.key").write_text(key, encoding="utf-8")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "idp.crt", tmp_path / "idp.key")
    return tmp_path / "test-ca.crt", context


@pytest.fixture
def idp(tmp_path: Path, test_ca: tuple[Path, ssl.SSLContext]) -> Iterator[RunningProvider]:
    with dev_provider(TERRITORY, tmp_path / "idp", tls=test_ca[1]) as provider:
        yield provider


def issuers(idp: RunningProvider) -> dict[str, list[dict[str, Any]]]:
    """Each service's oidc_issuers_* secret as its operator writes it: its partners' https issuers, discovered."""

    def issuer(partner: str, **extra: Any) -> dict[str, Any]:
        return {
            "partner": partner,
            "issuer": idp.issuer(partner),
            "audience": audience_for(TERRITORY, partner),
            **extra,
        }

    found: dict[str, list[dict[str, Any]]] = {}
    for name in APPS:
        env = SERVICES[name]["environment"]
        source = next(r["source"] for r in SERVICES[name]["secrets"] if r["target"] == "cantiere_oidc_issuers")
        partners = json.loads(env.get("CANTIERE_MUNICIPALITIES", json.dumps([env["CANTIERE_PARTNER"]])))
        if name == "placements":
            found[source] = [
                issuer(CONSORTIUM, label="ATI"),
                issuer(EMPLOYMENT_CENTRE, label="Centro per l'Impiego", roles=["employment_officer"]),
            ]
        else:
            found[source] = [issuer(p) for p in partners]
    return {source.removeprefix("oidc_issuers_"): value for source, value in found.items()}


def bearer(idp: RunningProvider, role: Role, partner: str, user: str) -> dict[str, str]:
    return idp.bearer(Principal(user_id=user, role=role, partner=partner), audience_for(TERRITORY, partner))


async def refer(api: Api, idp: RunningProvider, municipality: str, n: int) -> str:
    worker = bearer(idp, Role.SOCIAL_WORKER, municipality, f"sw-{municipality}")
    who = Invented(n, municipality, NAMES[n % len(NAMES)], f"Invent{municipality[:4]}{n}", date(1990, 1, n + 1), True)
    person_id: str = (await api.post("/people", worker, {"personal_data": who.personal_data()}, expect=201))["id"]
    for scope in ("share_with_consortium", "aggregate_statistics"):
        await api.post(f"/people/{person_id}/consents", worker, {"scope": scope, "form_version": "2026-1"})
    eligibility = {"taken_into_care_on": "2026-01-12", "category": "stalking", "referring_service": "shelter"}
    await api.post(f"/people/{person_id}/eligibility", worker, eligibility)
    await api.post(f"/people/{person_id}/referrals", worker, expect=201)
    return person_id


async def passes(run: ComposeRun, name: str) -> bool:
    """The service's own compose healthcheck succeeds (a process that died fails at once)."""
    process = run.processes[name]
    if not process.alive():
        raise AssertionError(
            f"{name} exited with {process.process and process.process.returncode}:\n{process.log_tail()}"
        )
    check = await asyncio.create_subprocess_exec(
        *run.healthcheck(name), env=process.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return await check.wait() == 0


async def events_in(url: str) -> int:
    """How many events a service's store holds, read with its own login (the URL of its secret)."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(events))).scalar_one())
    finally:
        await engine.dispose()


def tls_required(port: int) -> bool:
    """What the server announces to a plain client before anything else: TLS first, or nothing."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        info = sock.recv(4096).decode()
    assert info.startswith("INFO "), info
    return bool(json.loads(info[5:]).get("tls_required"))


async def start_as_compose_does(run: ComposeRun, clock: Clock) -> None:
    """nats, postgres' init, the bootstrap to completion, then every application, each healthy by its healthcheck."""
    run.prepare_nats()
    run.start("nats")
    await until(lambda: passes(run, "nats"), 20, "nats healthy (its compose healthcheck)")
    assert tls_required(run.nats_port)
    clock.lap("nats healthy")
    if run.postgres_url:
        run.init_databases()
    bootstrap = run.start("bootstrap")
    assert bootstrap.process is not None and bootstrap.process.wait(timeout=60) == 0, bootstrap.log_tail()
    clock.lap("databases made, streams declared")
    for name in APPS:
        run.start(name)
    for name in APPS:
        await until(lambda n=name: passes(run, n), 120, f"{name} healthy (its compose healthcheck)")  # type: ignore[misc]
    clock.lap(f"{len(APPS)} services healthy")


async def signed_in(http: httpx.AsyncClient, run: ComposeRun, idp: RunningProvider) -> None:
    """Wait until each service accepts its people's tokens: its first one fetches the issuer's discovery document and
    keys over https, which a loaded machine may answer slower than a service waits (it refuses meanwhile)."""
    people = {f"referrals-{p}": (Role.SOCIAL_WORKER, m, "/caseload") for p, m in REFERRED_AT.items()}
    people |= {"placements": (Role.PLACEMENT_OPERATOR, CONSORTIUM, "/candidates")}
    people |= {"monitoring": (Role.ANALYST, MONITORING, "/indicators")}
    for name, (role, partner, path) in people.items():

        async def accepted(n: str = name, r: Role = role, p: str = partner, at: str = path) -> bool:
            url = f"http://127.0.0.1:{run.ports[n]}{at}"
            return (await http.get(url, headers=bearer(idp, r, p, "warm-up"))).status_code == 200

        await until(accepted, 60, f"{name} accepts a token of its partner's issuer")


async def refer_at_each_process(http: httpx.AsyncClient, run: ComposeRun, idp: RunningProvider) -> dict[str, str]:
    """Five invented people referred at one municipality of each referrals process: person id -> municipality."""

    async def refer_at(process: str, municipality: str) -> dict[str, str]:
        api = Api(http, f"http://127.0.0.1:{run.ports[f'referrals-{process}']}")
        return {await refer(api, idp, municipality, n): municipality for n in range(PER_MUNICIPALITY)}

    referred: dict[str, str] = {}
    for people in await asyncio.gather(*(refer_at(p, m) for p, m in REFERRED_AT.items())):
        referred |= people
    assert len(referred) == PER_MUNICIPALITY * len(REFERRED_AT)
    return referred


async def region_figures(http: httpx.AsyncClient, run: ComposeRun, idp: RunningProvider, total: int) -> dict[str, Any]:
    """The Region's referral figures once they count ``total`` referrals."""
    monitoring = Api(http, f"http://127.0.0.1:{run.ports['monitoring']}")
    analyst = bearer(idp, Role.ANALYST, MONITORING, "an-1")

    async def counted() -> dict[str, Any]:
        figures = await monitoring.get("/indicators", analyst)
        return figures if figures["flows"]["referrals"]["total"] == {"value": total} else {}

    flows: dict[str, Any] = (await until(counted, 60, "the Region counts every referral"))["flows"]
    return flows["referrals"]["by"]


async def test_the_compose_services_run_in_production_and_a_referral_reaches_the_consortium_and_the_region(
    tmp_path: Path, idp: RunningProvider, test_ca: tuple[Path, ssl.SSLContext]
) -> None:
    run = ComposeRun(tmp_path / "compose", postgres_url(), idp_ca=test_ca[0])
    clock = Clock()
    run.directory.mkdir()
    run.make_secrets(issuers(idp))
    try:
        await start_as_compose_does(run, clock)
        async with httpx.AsyncClient(timeout=30) as http:  # a loaded machine: slow, not wrong
            for name in APPS:
                health = (await http.get(f"http://127.0.0.1:{run.ports[name]}/health")).json()
                assert (health["status"], health["nats"], health["database"]) == ("ok", "ok", "ok"), (name, health)
                assert run.processes[name].env["CANTIERE_ENVIRONMENT"] == "production"

            # Every service is connected over TLS, as its own NATS user.
            connz = (await http.get(f"http://127.0.0.1:{run.nats_http_port}/connz?auth=1")).json()["connections"]
            users = {c.get("authorized_user"): c.get("tls_version") for c in connz}
            assert set(users) == {SERVICES[n]["environment"]["CANTIERE_NATS__USER"] for n in APPS}, users
            assert all(users.values()), users

            # Each retention job waits for its referrals service to be healthy (depends_on): it is. Its first pass
            # runs meanwhile and is checked at the end.
            for name in RETENTION:
                run.start(name)

            await signed_in(http, run, idp)
            referred = await refer_at_each_process(http, run, idp)
            clock.lap(f"{len(referred)} people referred")

            placements = Api(http, f"http://127.0.0.1:{run.ports['placements']}")
            operator = bearer(idp, Role.PLACEMENT_OPERATOR, CONSORTIUM, "op-1")

            async def candidates() -> dict[str, str]:
                rows = {r["person_id"]: r["municipality"] for r in await placements.get("/candidates", operator)}
                return rows if len(rows) == len(referred) else {}

            assert await until(candidates, 60, "every referral among the consortium's candidates") == referred
            clock.lap("all among the consortium's candidates")

            by = await region_figures(http, run, idp, len(referred))
            for process, municipality in REFERRED_AT.items():
                assert by["municipality"]["cells"][municipality] == {"value": PER_MUNICIPALITY}
                assert by["ambito"]["cells"][process] == {"value": PER_MUNICIPALITY}
            clock.lap("all in the Region's figures")

        # Each municipality's people are in its own store, reached with its own login; nobody else's.
        stores = {db: (run.made / f"database_url_{db}").read_text(encoding="utf-8") for db in run.databases}
        counts = {db: await events_in(url) for db, url in stores.items()}
        for municipality in REFERRED_AT.values():
            assert counts[f"referrals_{municipality.replace('-', '_')}"] > 0, counts
        assert counts["referrals_adelfia"] == 0 and counts["placements"] > 0, counts
        if run.postgres_url:
            foreign = run.psql("SELECT 1", database=f"{run.run}_placements", login=f"{run.run}_referrals_bari")
            assert foreign.returncode != 0 and "permission denied" in foreign.stderr, foreign

        # The retention jobs: one pass over each municipality of their process, with the same settings.
        for name in RETENTION:
            served = json.loads(SERVICES[name]["environment"]["CANTIERE_MUNICIPALITIES"])

            async def done(n: str = name, m: int = len(served)) -> bool:
                return run.processes[n].log.read_text(encoding="utf-8").count("people erased out of") == m

            await until(done, 60, f"{name}: one retention pass per municipality")
            assert "Traceback" not in run.processes[name].log.read_text(encoding="utf-8")
        clock.lap("retention jobs' first pass")
    finally:
        run.stop()
        clock.lap("stopped")
        run.drop_databases()
        clock.lap("databases dropped")
    print(f"production-shaped run on {'PostgreSQL' if run.postgres_url else 'SQLite'}:", clock.report())
    assert not run.unused_rewrites(), f"rewrites listed but never needed (keep the list true): {run.unused_rewrites()}"
