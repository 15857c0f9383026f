"""The embedded default: a local nats-server, the streams, and every service of a territory as child processes."""

from __future__ import annotations

import importlib.util
import os
import secrets
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


@dataclass(frozen=True)
class ServicePlan:
    """One service process to start: what it is, for whom, where it listens."""

    label: str
    module: str
    partner: str
    port: int
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def plan_services(territory: Territory) -> list[ServicePlan]:
    """The services of a territory, on the fixed default ports, skipping packages that are not installed."""
    plans = [
        ServicePlan("placements", "cantiere_placements", territory.partners.consortium.code, PLACEMENTS_PORT),
        ServicePlan("monitoring", "cantiere_monitoring", territory.partners.monitoring.code, MONITORING_PORT),
    ]
    for offset, town in enumerate(territory.municipalities):
        port = REFERRALS_FIRST_PORT + offset
        plans.append(ServicePlan(f"referrals {town.code}", "cantiere_referrals", town.code, port))
    return [p for p in plans if importlib.util.find_spec(p.module) is not None]


def token_secret(data_dir: Path) -> str:
    """The development token secret of this data folder (made once, kept in var/token-secret)."""
    path = data_dir / "token-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


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
    processes: list[tuple[ServicePlan, subprocess.Popen[bytes]]] = field(default_factory=list)
    nats: NatsServer | None = None

    def start_nats(self) -> NatsServer:
        (self.data_dir / "log").mkdir(parents=True, exist_ok=True)
        self.nats = NatsServer(
            store_dir=self.data_dir / "nats", port=self.nats_port, log_file=self.data_dir / "log" / "nats.log"
        ).start()
        return self.nats

    def start_services(self, plans: list[ServicePlan]) -> None:
        assert self.nats is not None
        secret = token_secret(self.data_dir)
        (self.data_dir / "db").mkdir(parents=True, exist_ok=True)
        for plan in plans:
            env = {
                **os.environ,
                "CANTIERE_PARTNER": plan.partner,
                "CANTIERE_TERRITORY": self.territory_code,
                "CANTIERE_HTTP_PORT": str(plan.port),
                "CANTIERE_DATABASE_URL": f"sqlite:///{self.data_dir / 'db' / (plan.label.replace(' ', '-') + '.db')}",
                "CANTIERE_NATS__URL": self.nats.url,
                "CANTIERE_TOKEN_SECRET": secret,
                "CANTIERE_LOG_FORMAT": "json",
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
        if self.nats is not None:
            self.nats.stop()
            self.nats = None
