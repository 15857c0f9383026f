"""The embedded default: a local nats-server, the streams, the development identity provider, and every service
of a territory as child processes."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cantiere_runtime.nats_server import NatsServer

if TYPE_CHECKING:
    from cantiere_runtime.territory import Territory

DEFAULT_NATS_PORT = 4322  # not 4222: a machine may already run its own NATS there
PLACEMENTS_PORT = 8100
MONITORING_PORT = 8200
REFERRALS_FIRST_PORT = 8300
DEV_IDP_PORT = 8900


@dataclass(frozen=True)
class ServicePlan:
    """One service process to start: what it is, for whom, where it listens."""

    label: str
    module: str
    partner: str
    port: int
    extra_env: dict[str, str] = field(default_factory=dict)
    signs_in: tuple[str, ...] = ()  # the partners whose people sign in here (their issuers are trusted)
    planners: tuple[str, ...] = ()  # capofila municipalities whose Ufficio di Piano signs in here, in that role only
    managers: tuple[str, ...] = ()  # municipalities whose municipal managers sign in here (monitoring), that role only

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def plan_services(territory: Territory) -> list[ServicePlan]:
    """The services of a territory, on the fixed default ports, skipping packages that are not installed."""
    consortium, centre = territory.partners.consortium.code, territory.partners.employment_centre.code
    monitoring = territory.partners.monitoring.code
    plans = [
        ServicePlan("placements", "cantiere_placements", consortium, PLACEMENTS_PORT, signs_in=(consortium, centre)),
        ServicePlan(
            "monitoring",
            "cantiere_monitoring",
            monitoring,
            MONITORING_PORT,
            signs_in=(monitoring,),
            planners=tuple(a.capofila for a in territory.ambiti),
            managers=tuple(m.code for m in territory.municipalities),
        ),
    ]
    # One referrals process per municipality, or per ambito (``referrals_services`` in the territory file).
    for offset, (name, members) in enumerate(territory.referrals_groups()):
        port = REFERRALS_FIRST_PORT + offset
        shared = {"CANTIERE_MUNICIPALITIES": json.dumps(members)} if members != (name,) else {}
        plans.append(
            ServicePlan(f"referrals {name}", "cantiere_referrals", name, port, extra_env=shared, signs_in=members)
        )
    return [p for p in plans if importlib.util.find_spec(p.module) is not None]


def dev_issuers(territory: Territory, plan: ServicePlan, idp_url: str) -> list[dict[str, object]]:
    """The development provider's issuers a service trusts (CANTIERE_OIDC_ISSUERS of its process)."""
    from cantiere_runtime.identity.dev_provider import issuer_url
    from cantiere_runtime.identity.dev_users import MONITORING_AUDIENCE, audience_for, partner_name

    trusted: list[dict[str, object]] = [
        {
            "partner": partner,
            "issuer": issuer_url(idp_url, partner),
            "audience": audience_for(territory, partner),
            "label": partner_name(territory, partner),
            "development": True,
        }
        for partner in plan.signs_in
    ]
    # A municipality's issuer, trusted by monitoring for its Ufficio di Piano (capofila) and its municipal manager only.
    for partner in dict.fromkeys((*plan.planners, *plan.managers)):
        roles = [
            r
            for r, who in (("district_planner", plan.planners), ("municipal_manager", plan.managers))
            if partner in who
        ]
        name = partner_name(territory, partner)
        label = f"Ufficio di Piano ({name})" if roles == ["district_planner"] else f"{name} (comune)"
        trusted.append({
            "partner": partner,
            "issuer": issuer_url(idp_url, partner),
            "audience": MONITORING_AUDIENCE,
            "label": label,
            "roles": roles,
            "development": True,
        })  # fmt: skip
    return trusted


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:  # noqa: S310 - local http only
            return bool(response.status == 200)
    except OSError:
        return False


@dataclass
class EmbeddedSystem:
    """Starts and stops the whole local system; nothing is left running after ``stop``."""

    data_dir: Path
    territory_code: str
    nats_port: int = DEFAULT_NATS_PORT
    idp_port: int = DEV_IDP_PORT
    processes: list[tuple[ServicePlan, subprocess.Popen[bytes]]] = field(default_factory=list)
    nats: NatsServer | None = None
    idp: subprocess.Popen[bytes] | None = None
    service_env: dict[str, str] = field(default_factory=dict)  # more CANTIERE_* settings for every service
    territory_file: Path | None = None  # a territory outside the shipped ones (the simulator's scale mode)

    def territory(self) -> Territory:
        from cantiere_runtime.territory import load_territory, territory_by_code

        return load_territory(self.territory_file) if self.territory_file else territory_by_code(self.territory_code)

    @property
    def idp_url(self) -> str:
        return f"http://127.0.0.1:{self.idp_port}"

    def start_nats(self) -> NatsServer:
        (self.data_dir / "log").mkdir(parents=True, exist_ok=True)
        self.nats = NatsServer(
            store_dir=self.data_dir / "nats", port=self.nats_port, log_file=self.data_dir / "log" / "nats.log"
        ).start()
        return self.nats

    def start_identity_provider(self, timeout: float = 15.0) -> bool:
        """The development identity provider in its own process; whether it answered in time."""
        (self.data_dir / "log").mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "log" / "dev-idp.log", "ab")  # noqa: SIM115
        command = [sys.executable, "-m", "cantiere_runtime.cli", "dev-idp", "--territory", self.territory_code,
                   "--data-dir", str(self.data_dir), "--port", str(self.idp_port)]  # fmt: skip
        if self.territory_file is not None:
            command += ["--territory-file", str(self.territory_file)]
        self.idp = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.idp.poll() is None:
            if _healthy(self.idp_url):
                return True
            time.sleep(0.2)
        return False

    def start_services(self, plans: list[ServicePlan]) -> None:
        assert self.nats is not None
        territory = self.territory()
        (self.data_dir / "db").mkdir(parents=True, exist_ok=True)
        for plan in plans:
            env = {
                **os.environ,
                "CANTIERE_PARTNER": plan.partner,
                "CANTIERE_TERRITORY": self.territory_code,
                "CANTIERE_HTTP_PORT": str(plan.port),
                "CANTIERE_DATABASE_URL": f"sqlite:///{self.data_dir / 'db' / (plan.label.replace(' ', '-') + '.db')}",
                "CANTIERE_NATS__URL": self.nats.url,
                "CANTIERE_OIDC_ISSUERS": json.dumps(dev_issuers(territory, plan, self.idp_url)),
                "CANTIERE_PUBLIC_URL": plan.url,
                "CANTIERE_LOG_FORMAT": "json",
                "CANTIERE_DEV_CLOCK": "true",  # development: the simulator's clock (cantiere_runtime.clock)
                **({"CANTIERE_TERRITORY_FILE": str(self.territory_file)} if self.territory_file else {}),
                **self.service_env,
                **plan.extra_env,
            }
            log = open(self.data_dir / "log" / f"{plan.label.replace(' ', '-')}.log", "ab")  # noqa: SIM115
            process = subprocess.Popen(
                [sys.executable, "-m", plan.module, "serve"], env=env, stdout=log, stderr=log, start_new_session=True
            )
            self.processes.append((plan, process))

    def wait_healthy(self, timeout: float = 30.0) -> list[tuple[ServicePlan, bool]]:
        deadline = time.monotonic() + timeout
        status = {plan.label: False for plan, _ in self.processes}
        while time.monotonic() < deadline and not all(status.values()):
            for plan, process in self.processes:
                if not status[plan.label] and process.poll() is None:
                    status[plan.label] = _healthy(plan.url)
            time.sleep(0.2)
        return [(plan, status[plan.label]) for plan, _ in self.processes]

    def stop(self) -> None:
        for _, process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.processes.clear()
        if self.idp is not None:
            _stop(self.idp)
            self.idp = None
        if self.nats is not None:
            self.nats.stop()
            self.nats = None


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)
