"""docker-compose.yml run without containers: every service of the committed file as a process, with exactly its
`environment`, `command` and `secrets:` (files named by their targets), secrets made by `make secrets`' own code.

Only what cannot be the same outside containers is changed, and every change is in ``REWRITES`` below. Each
rewrite must find what it rewrites: when the compose file changes shape, this fails instead of quietly running
another configuration than the one deployed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from cantiere_runtime.nats_server import free_port

from tests.faults.topology import rewrite as rewrite_once
from tests.integration.deploy.conftest import compose_generate

from .programme import TERRITORY, running_today

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
COMPOSE = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
BIN = Path(sys.executable).parent  # python, cantiere and nats-server of this virtualenv, as the image's PATH has

# Everything this run changes from docker-compose.yml, and why. Nothing else differs.
REWRITES = {
    "secrets-dir": "/run/secrets -> a directory per service holding its `secrets:` under their targets",
    "nats-host": "nats:4222 -> 127.0.0.1:<free port> (no compose network)",
    "etc-nats": "/etc/nats (the ./deploy/nats volume) -> a copy whose nats-server.conf listens on free loopback ports "
    "and stores under the test's directory",
    "http": "CANTIERE_HTTP_HOST 0.0.0.0 -> 127.0.0.1, CANTIERE_HTTP_PORT -> a free port (one host, no port mapping)",
    "database": "database_url_* secrets: postgres:5432/<db> -> the local server (CANTIERE_TEST_POSTGRES_URL) with "
    "<db> -> <run>_<db> (logins and databases are per server, and concurrent test runs share it); without "
    "PostgreSQL, sqlite:///<dir>/<db>.db",
    "postgres": "the postgres container -> init-databases.sh (its /run/secrets rewritten) run with psql against the "
    "local server, whose postgres_password_<db> secrets are named <run>_<db> as above",
    "monitoring-period": "monitoring: CANTIERE_TERRITORY_FILE = the pilot's territory with its programme period moved "
    "around today (the pilot ran in 2007-09: a referral made now falls outside the Region's releases)",
    "idp-ca": "SSL_CERT_FILE = the test identity provider's CA (a partner's real IdP has a publicly trusted "
    "certificate; the test's https issuer has one from a test CA)",
    "env-file": "${VAR:?...} -> deploy/env.example's value, as compose takes it from .env",
}


def interpolate(value: str) -> str:
    """compose's own substitution: ``${VAR:?...}`` from env.example (as from .env), ``$$`` as ``$``."""
    text = (REPO / "deploy/env.example").read_text(encoding="utf-8")
    values = dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return re.sub(r"\$\{([A-Z0-9_]+):\?[^}]*\}", lambda m: values[m.group(1)], value).replace("$$", "$")


@dataclass
class Process:
    """One compose service run as a process (its own session, so a shell command's children stop with it)."""

    name: str
    env: dict[str, str]
    argv: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=self.log.parent,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """SIGTERM to its process group (compose's stop), without waiting."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self) -> None:
        """Wait for it to exit after ``terminate`` (SIGKILL after 15 s); a shell's leftover children go too."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # what is left of its group (retention's sleep)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class ComposeRun:
    """The compose file's services as processes under ``directory``; ``used`` counts the rewrites applied."""

    directory: Path
    postgres_url: str | None
    idp_ca: Path
    run: str = field(default_factory=lambda: f"cp{uuid.uuid4().hex[:8]}")
    nats_port: int = field(default_factory=free_port)
    nats_http_port: int = field(default_factory=free_port)
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    used: Counter[str] = field(default_factory=Counter)

    @property
    def made(self) -> Path:
        """Where `make secrets`' code writes the deployment's secret files (deploy/secrets/ of a real host)."""
        return self.directory / "deploy-secrets"

    @property
    def databases(self) -> list[str]:
        return sorted(
            n.removeprefix("postgres_password_") for n in COMPOSE["secrets"] if n.startswith("postgres_password_")
        )

    # --- secrets, as an operator makes them ------------------------------------------------------------

    def make_secrets(self, issuers: dict[str, list[dict[str, Any]]]) -> None:
        """`make secrets`, then what the operator edits: each service's identity providers (oidc_issuers_*)."""
        compose_generate.write_secrets(TERRITORY, self.made)
        for name, value in issuers.items():
            (self.made / f"oidc_issuers_{name}").write_text(json.dumps(value), encoding="utf-8")
        for db in self.databases:
            path = self.made / f"database_url_{db}"
            url = urlsplit(path.read_text(encoding="utf-8").strip())
            assert url.hostname == "postgres" and url.port == 5432 and url.path == f"/{db}", url
            path.write_text(self.database_url(db, url.username or "", url.password or ""), encoding="utf-8")
            self.used["database"] += 1

    def database_url(self, db: str, login: str, password: str) -> str:
        if self.postgres_url is None:
            return f"sqlite:///{self.directory / f'{db}.db'}"
        server = urlsplit(self.postgres_url)
        return f"postgresql://{self.run}_{login}:{password}@{server.hostname}:{server.port or 5432}/{self.run}_{db}"

    def secrets_of(self, name: str) -> Path:
        """The service's /run/secrets: each of its secrets under its target name."""
        directory = self.directory / "run-secrets" / name
        directory.mkdir(parents=True, exist_ok=True)
        for ref in SERVICES[name].get("secrets", []):
            target = ref["target"]
            if name == "postgres" and target.startswith("postgres_password_"):
                target = f"postgres_password_{self.run}_{target.removeprefix('postgres_password_')}"
            shutil.copy(self.made / ref["source"], directory / target)  # content and mode, as a bind mount
        return directory

    # --- what a service's strings and environment become here ------------------------------------------

    def rewrite(self, name: str, value: str) -> str:
        if "${" in value:
            self.used["env-file"] += 1
        value = interpolate(value)
        for key, old, new in (
            ("secrets-dir", "/run/secrets", str(self.directory / "run-secrets" / name)),
            ("nats-host", "nats:4222", f"127.0.0.1:{self.nats_port}"),
            ("etc-nats", "/etc/nats", str(self.directory / "etc-nats")),
        ):
            if old in value:
                value = value.replace(old, new)
                self.used[key] += 1
        return value

    def environment(self, name: str) -> dict[str, str]:
        """The service's `environment` (rewritten) on a minimal base: PATH with this virtualenv first, HOME, LANG."""
        env = {k: self.rewrite(name, str(v)) for k, v in (SERVICES[name].get("environment") or {}).items()}
        if "CANTIERE_HTTP_PORT" in env:
            assert env["CANTIERE_HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - what compose says, inside a container
            env["CANTIERE_HTTP_HOST"] = "127.0.0.1"
            env["CANTIERE_HTTP_PORT"] = str(self.ports.setdefault(name, free_port()))
            self.used["http"] += 1
        if env.get("CANTIERE_ENVIRONMENT") == "production" and "CANTIERE_HTTP_PORT" in env:
            env["SSL_CERT_FILE"] = str(self.idp_ca)
            self.used["idp-ca"] += 1
        base = {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "HOME": str(self.directory),
            "LANG": "C.UTF-8",
        }
        return {**base, **env}

    def argv(self, name: str) -> list[str]:
        service = SERVICES[name]
        return [self.rewrite(name, part) for part in [*service.get("entrypoint", []), *service["command"]]]

    def start(self, name: str) -> Process:
        self.secrets_of(name)
        log = self.directory / f"{name}.log"
        env = self.environment(name)
        if name == "monitoring":
            env["CANTIERE_TERRITORY_FILE"] = str(running_today(self.directory, date.today()))
            self.used["monitoring-period"] += 1
        process = Process(name, env, self.argv(name), log)
        self.processes[name] = process
        return process.start()

    def healthcheck(self, name: str) -> list[str]:
        """The service's compose healthcheck command (CMD form), rewritten like the rest."""
        test = SERVICES[name]["healthcheck"]["test"]
        assert test[0] == "CMD", test
        argv = [self.rewrite(name, part).replace(":8222/", f":{self.nats_http_port}/") for part in test[1:]]
        if argv[:2] == ["wget", "-qO-"] and not shutil.which("wget"):  # the nats image has it; a host may not
            argv = [sys.executable, "-c", f"import urllib.request; urllib.request.urlopen({argv[2]!r}, timeout=3)"]
        return argv

    # --- nats and postgres: the two containers that are not ours --------------------------------------

    def prepare_nats(self) -> None:
        """/etc/nats: a copy of deploy/nats with nats-server.conf on free loopback ports and a local store."""
        etc = self.directory / "etc-nats"
        shutil.copytree(REPO / "deploy/nats", etc)
        secrets = str(self.directory / "run-secrets" / "nats")
        conf = rewrite_once(
            (etc / "nats-server.conf").read_text(encoding="utf-8"),
            [
                (r"^listen: 0\.0\.0\.0:4222$", f"listen: 127.0.0.1:{self.nats_port}"),
                (r"^http: 0\.0\.0\.0:8222$", f"http: 127.0.0.1:{self.nats_http_port}"),
                (r"^  store_dir: /data/jetstream$", f"  store_dir: {self.directory / 'nats-data'}"),
            ],
        )
        (etc / "nats-server.conf").write_text(conf.replace("/run/secrets", secrets), encoding="utf-8")
        entrypoint = (etc / "entrypoint.sh").read_text(encoding="utf-8")
        (etc / "entrypoint.sh").write_text(entrypoint.replace("/run/secrets", secrets), encoding="utf-8")
        self.used["etc-nats"] += 1

    def init_databases(self) -> None:
        """init-databases.sh, as the postgres image runs it on an empty volume, against the local server."""
        assert self.postgres_url is not None
        script = (REPO / "deploy/postgres/init-databases.sh").read_text(encoding="utf-8")
        copy = self.directory / "init-databases.sh"
        copy.write_text(script.replace("/run/secrets", str(self.secrets_of("postgres"))), encoding="utf-8")
        server = urlsplit(self.postgres_url)
        env = {
            **os.environ,
            "POSTGRES_USER": server.username or SERVICES["postgres"]["environment"]["POSTGRES_USER"],
            "PGHOST": server.hostname or "127.0.0.1",
            "PGPORT": str(server.port or 5432),
            **({"PGPASSWORD": server.password} if server.password else {}),
        }
        result = subprocess.run(["sh", str(copy)], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
        self.used["postgres"] += 1

    def psql(self, *sql: str, database: str = "postgres", login: str | None = None) -> subprocess.CompletedProcess[str]:
        """psql on the local server, each statement on its own (as the admin unless ``login`` is given)."""
        assert self.postgres_url is not None
        server = urlsplit(self.postgres_url)
        env = {**os.environ, "PGHOST": server.hostname or "", "PGPORT": str(server.port or 5432)}
        if server.password and login is None:
            env["PGPASSWORD"] = server.password
        user = login or server.username or "postgres"
        return subprocess.run(
            ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-U", user, "-d", database]
            + [arg for statement in sql for arg in ("-c", statement)],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )

    def drop_databases(self) -> None:
        """The run's logins and databases go with it."""
        if self.postgres_url is None:
            return
        names = [f"{self.run}_{db}" for db in self.databases]
        dropped = self.psql(
            *[f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)' for n in names],
            *[f'DROP ROLE IF EXISTS "{n}"' for n in names],
        )
        assert dropped.returncode == 0, dropped.stderr

    def stop(self) -> None:
        """Stop the applications first, then the bootstrap and NATS, as compose stops dependants first."""
        for group in ([p for p in self.processes.values() if p.name != "nats"], [self.processes.get("nats")]):
            for process in group:
                if process is not None:
                    process.terminate()
            for process in group:
                if process is not None:
                    process.stop()

    def unused_rewrites(self) -> set[str]:
        """Rewrites listed in REWRITES that this run never needed (the PostgreSQL one only runs with PostgreSQL)."""
        return set(REWRITES) - set(self.used) - (set() if self.postgres_url else {"postgres"})
