"""The system the browser tests drive, as `cantiere up` runs it: the development identity provider, and Bari's
referrals, placements and monitoring services on a real NATS, each trusting its partners' development issuers,
each served by uvicorn on a free loopback port (in threads of this process, so a test can reach an app's state)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from cantiere_monitoring.bootstrap import load_settings as monitoring_settings
from cantiere_monitoring.entrypoints.api import create_app as monitoring_app
from cantiere_placements.bootstrap import load_settings as placements_settings
from cantiere_placements.entrypoints.api import create_app as placements_app
from cantiere_referrals.entrypoints.api import create_app as referrals_app
from cantiere_runtime.identity.dev_users import partner_name
from cantiere_runtime.nats_server import free_port
from cantiere_runtime.territory import territory_by_code
from fastapi import FastAPI

from tests.conftest import fresh_streams
from tests.integration.referrals.support import settings as referrals_settings
from tests.support.identity import MONITORING, PLACEMENTS, REFERRALS, RunningProvider, dev_provider

T = TypeVar("T")
BARI = territory_by_code("bari-pilot")
CONSORTIUM = BARI.partners.consortium.code
CENTRE = BARI.partners.employment_centre.code
REGION = BARI.partners.monitoring.code


@dataclass
class Served:
    """One service app on a loopback port, and the event loop that serves it."""

    app: FastAPI
    url: str
    loop: asyncio.AbstractEventLoop | None = None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the app's own loop (its engine and NATS connection live there) and wait for it."""
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=30)


@dataclass
class System:
    """Everything a browser test may visit."""

    provider: RunningProvider
    referrals: Served
    placements: Served
    monitoring: Served

    def service(self, name: str) -> Served:
        found: Served = getattr(self, name)
        return found


@contextmanager
def _served(app: FastAPI, port: int) -> Iterator[asyncio.AbstractEventLoop]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, f"{app.title} did not start"
        time.sleep(0.05)
    try:
        yield server.servers[0].get_loop()
    finally:
        server.should_exit = True
        thread.join(timeout=15)


PLANNERS = "Ufficio di Piano (Triggiano)"
BARI_MANAGERS = "Bari (comune)"


def _issuer(provider: RunningProvider, partner: str, audience: str) -> dict[str, object]:
    return provider.settings(partner, audience, label=partner_name(BARI, partner))


@contextmanager
def running_system(nats_url: str, data: Path) -> Iterator[System]:
    """Start the provider and the three services (empty streams, fresh databases); stop them afterwards."""
    emptied = threading.Thread(target=asyncio.run, args=(fresh_streams(nats_url),))  # Playwright owns this loop
    emptied.start()
    emptied.join(30)
    ports = {name: free_port() for name in ("referrals", "placements", "monitoring")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    common = {"environment": "test", "log_format": "json", "nats": {"url": nats_url}}
    with ExitStack() as stack:
        provider = stack.enter_context(dev_provider(BARI, data / "idp"))
        referrals = referrals_app(
            referrals_settings(
                data,
                "bari",
                nats_url,
                oidc_issuers=[_issuer(provider, "bari", REFERRALS)],
                public_url=urls["referrals"],
            )
        )
        placements = placements_app(
            placements_settings(
                database_url=f"sqlite:///{data / 'placements.db'}",
                oidc_issuers=[_issuer(provider, CONSORTIUM, PLACEMENTS), _issuer(provider, CENTRE, PLACEMENTS)],
                public_url=urls["placements"],
                **common,
            )
        )
        monitoring = monitoring_app(
            monitoring_settings(
                partner=REGION,
                database_url=f"sqlite:///{data / 'monitoring.db'}",
                oidc_issuers=[
                    _issuer(provider, REGION, MONITORING),
                    # The Ufficio di Piano of Ambito 5, signed in by its capofila for that role only.
                    provider.settings("triggiano", MONITORING, label=PLANNERS, roles=["district_planner"]),
                    # Bari's municipal manager, signed in by Bari's issuer for that role only: Bari's own figures.
                    provider.settings("bari", MONITORING, label=BARI_MANAGERS, roles=["municipal_manager"]),
                ],
                public_url=urls["monitoring"],
                **common,
            )
        )
        apps = {"referrals": referrals, "placements": placements, "monitoring": monitoring}
        loops = {name: stack.enter_context(_served(app, ports[name])) for name, app in apps.items()}
        names = ("referrals", "placements", "monitoring")
        yield System(provider, *(Served(apps[name], urls[name], loops[name]) for name in names))
