"""Write docker-compose.yml from a territory file; with --secrets, create the missing secret files.

    python deploy/compose/generate.py [TERRITORY_YAML] [-o docker-compose.yml]   # `make compose`
    python deploy/compose/generate.py --secrets [--secrets-dir deploy/secrets]    # `make secrets`

The compose file runs NATS, PostgreSQL (a database and login per municipality, plus placements and
monitoring), the one-shot stream bootstrap, placements, monitoring, one referrals service per referrals
process (``Territory.referrals_groups()``) and, beside each, its daily retention job. Secrets are compose
``secrets:`` (files under deploy/secrets/, git-ignored) that services read through ``CANTIERE_SECRETS_DIR``
(see deploy/README.md, "Secrets"); the compose file holds no secret value. Non-secret settings that differ
per deployment (public addresses, retention periods) come from ``.env``. NATS requires TLS from every client:
``--secrets`` also makes a private CA and the server's certificate (``nats_ca``, ``nats_tls_cert``,
``nats_tls_key``), and every client verifies the server with the CA (``CANTIERE_NATS__TLS_CA``).
tests/e2e/test_production_shaped_run.py runs the written file without containers.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import importlib.util
import ipaddress
import json
import re
import secrets
import sys
from pathlib import Path
from typing import Any

import yaml
from cantiere_runtime.territory import Territory, load_territory

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_TERRITORY = REPO / "libs/runtime/cantiere_runtime/territories/bari-pilot.yaml"
DEFAULT_OUTPUT = REPO / "docker-compose.yml"
IMAGES = HERE / "images.yaml"
SECRETS_DIR = "deploy/secrets"  # relative to the repository root, where docker-compose.yml lives
RUN_SECRETS = "/run/secrets"
PLACEMENTS_PORT, MONITORING_PORT, REFERRALS_FIRST_PORT = 8100, 8200, 8300
RETENTION_EVERY_SECONDS = 86400
# NATS requires TLS from every client (nats-server.conf). `make secrets` makes a private CA for the deployment
# and a server certificate for these names: the compose service name, and the host's published 127.0.0.1:4222.
NATS_URL = "tls://nats:4222"
NATS_TLS_HOSTS = ("nats", "localhost", "127.0.0.1")
NATS_CA, NATS_TLS_CERT, NATS_TLS_KEY = "nats_ca", "nats_tls_cert", "nats_tls_key"
NATS_CA_FILE = f"{RUN_SECRETS}/nats_ca.crt"  # what clients verify the server with (CANTIERE_NATS__TLS_CA)
# Per service: (cpus, memory). Sized for the pilot on one host; raise for a Region's load.
LIMITS = {
    "nats": ("1.0", "1G"),
    "postgres": ("2.0", "2G"),
    "bootstrap": ("0.5", "256M"),
    "placements": ("1.0", "768M"),
    "monitoring": ("1.0", "768M"),
    "referrals": ("1.0", "768M"),
    "retention": ("0.5", "512M"),
}


def _load_nats_generator() -> Any:
    spec = importlib.util.spec_from_file_location("cantiere_deploy_nats_generate", HERE.parent / "nats/generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


nats_generate = _load_nats_generator()


def key_of(code: str) -> str:
    """A code as it appears in variable and file names: ``mola-di-bari`` -> ``mola_di_bari``."""
    return re.sub(r"[^a-z0-9]", "_", code.lower())


def database_of(municipality: str) -> str:
    """The PostgreSQL database (and login) of a municipality's referrals store: ``referrals_mola_di_bari``."""
    return f"referrals_{key_of(municipality)}"


def nats_secret(user_password_var: str) -> str:
    """The secret holding a NATS user's password: ``nats_password_ambito_triggiano``."""
    return user_password_var.lower()


def secret_ref(source: str, target: str) -> dict[str, str]:
    return {"source": source, "target": target}


def env_ref(variable: str, what: str) -> str:
    """A value compose takes from .env, refusing to start without it."""
    return f"${{{variable}:?set {what} in .env}}"


def image(images: dict[str, dict[str, str]], name: str) -> str:
    entry = images[name]
    return f"{entry['tag']}@{entry['digest']}" if entry.get("digest") else entry["tag"]


def limits(kind: str) -> dict[str, Any]:
    cpus, memory = LIMITS[kind]
    return {"resources": {"limits": {"cpus": cpus, "memory": memory}}}


class Plan:
    """What docker-compose.yml needs for one territory: services, and the secret files they read."""

    def __init__(self, territory: Territory, images: dict[str, dict[str, str]]) -> None:
        self.territory = territory
        self.images = images
        self.secrets: dict[str, str] = {}  # secret name -> what it holds (for --secrets and the comments)
        self.users = {u.name: u for u in nats_generate.users_for(territory)}

    def secret(self, name: str, holds: str) -> str:
        self.secrets.setdefault(name, holds)
        return name

    # --- the pieces ---------------------------------------------------------------------------------

    def app(self, kind: str, module: str, port: int, env: dict[str, str], refs: list[dict[str, str]]) -> dict:
        common = {
            "CANTIERE_ENVIRONMENT": "production",
            "CANTIERE_TERRITORY": self.territory.code,
            "CANTIERE_HTTP_HOST": "0.0.0.0",  # noqa: S104 - inside its container; published on 127.0.0.1 only
            "CANTIERE_HTTP_PORT": str(port),
            "CANTIERE_LOG_FORMAT": "json",
            "CANTIERE_SECRETS_DIR": RUN_SECRETS,
            "CANTIERE_NATS__URL": NATS_URL,
            "CANTIERE_NATS__TLS_CA": NATS_CA_FILE,
        }
        return {
            "build": {
                "context": ".",
                "dockerfile": "deploy/Dockerfile",
                "args": {"PYTHON_IMAGE": image(self.images, "python")},
            },
            "image": "cantiere:latest",
            "restart": "unless-stopped",
            "command": ["python", "-m", module, "serve"],
            "environment": {**common, **env},
            "secrets": refs,
            "depends_on": {
                "nats": {"condition": "service_healthy"},
                "postgres": {"condition": "service_healthy"},
                # Services bind to existing streams and never declare them (NATS-NOTES).
                "bootstrap": {"condition": "service_completed_successfully"},
            },
            "ports": [f"127.0.0.1:{port}:{port}"],
            "healthcheck": {
                "test": [
                    "CMD",
                    "python",
                    "-c",
                    "import os, urllib.request; "
                    "port = os.environ['CANTIERE_HTTP_PORT']; "
                    "urllib.request.urlopen(f'http://127.0.0.1:{port}/health', timeout=3)",
                ],
                "interval": "10s",
                "timeout": "5s",
                "retries": 6,
                "start_period": "20s",
            },
            "security_opt": ["no-new-privileges:true"],
            "cap_drop": ["ALL"],
            "deploy": limits(kind),
        }

    def nats_identity(self, user: str) -> tuple[dict[str, str], list[dict[str, str]]]:
        password = self.secret(nats_secret(self.users[user].password_var), f"NATS password of user {user}")
        env = {"CANTIERE_NATS__USER": user, "CANTIERE_NATS__INBOX_PREFIX": nats_generate.inbox_prefix(user)}
        return env, [secret_ref(password, "cantiere_nats__password"), self.nats_ca()]

    def nats_ca(self) -> dict[str, str]:
        """The CA certificate a NATS client verifies the server's with (not secret, but handed over the same way)."""
        return secret_ref(
            self.secret(NATS_CA, "CA certificate of the NATS server's (PEM)"), NATS_CA_FILE.split("/")[-1]
        )

    def database(self, name: str) -> str:
        """The secret holding a database's URL (with its login's password); the login's own password too."""
        self.secret(f"postgres_password_{name}", f"PostgreSQL password of login {name}")
        return self.secret(f"database_url_{name}", f"postgresql://{name}:<password>@postgres:5432/{name}")

    def oidc(self, service: str) -> str:
        return self.secret(f"oidc_issuers_{key_of(service)}", f"CANTIERE_OIDC_ISSUERS (JSON list) of {service}")

    def placements(self) -> dict:
        consortium = self.territory.partners.consortium.code
        env, refs = self.nats_identity(nats_generate.placements_user_name(consortium))
        env |= {
            "CANTIERE_PARTNER": consortium,
            "CANTIERE_PUBLIC_URL": env_ref("CANTIERE_PUBLIC_URL_PLACEMENTS", "the https address of placements"),
        }
        refs += [
            secret_ref(self.database("placements"), "cantiere_database_url"),
            secret_ref(self.oidc("placements"), "cantiere_oidc_issuers"),
            secret_ref(self.secret("placements_vault_secret", "placements' vault secret"), "cantiere_vault_secret"),
        ]
        return self.app("placements", "cantiere_placements", PLACEMENTS_PORT, env, refs)

    def monitoring(self) -> dict:
        code = self.territory.partners.monitoring.code
        env, refs = self.nats_identity(f"monitoring-{code}")
        env |= {
            "CANTIERE_PARTNER": code,
            "CANTIERE_PUBLIC_URL": env_ref("CANTIERE_PUBLIC_URL_MONITORING", "the https address of monitoring"),
        }
        refs += [
            secret_ref(self.database("monitoring"), "cantiere_database_url"),
            secret_ref(self.oidc("monitoring"), "cantiere_oidc_issuers"),
        ]
        return self.app("monitoring", "cantiere_monitoring", MONITORING_PORT, env, refs)

    def referrals(self, process: str, served: tuple[str, ...], port: int) -> tuple[dict, dict]:
        """The referrals service of one process and its retention job (same settings, no NATS)."""
        env, nats_refs = self.nats_identity(nats_generate.referrals_user_name(process))
        upper = key_of(process).upper()
        env |= {
            "CANTIERE_PARTNER": process,
            "CANTIERE_PUBLIC_URL": env_ref(f"CANTIERE_PUBLIC_URL_REFERRALS_{upper}", f"the https address of {process}"),
        }
        refs = [
            secret_ref(self.oidc(f"referrals-{process}"), "cantiere_oidc_issuers"),
            secret_ref(
                self.secret("programme_key", "the programme's keep-apart key (shared)"), "cantiere_programme_key"
            ),
        ]
        alone = served == (process,)  # as `make up` does: a process named after its one municipality is plain
        if not alone:
            env["CANTIERE_MUNICIPALITIES"] = json.dumps(list(served))
        for m in served:
            prefix = "cantiere_" if alone else f"cantiere_municipality__{key_of(m)}__"
            variables = "CANTIERE_" if alone else f"CANTIERE_MUNICIPALITY__{key_of(m).upper()}__"
            refs.append(secret_ref(self.database(database_of(m)), f"{prefix}database_url"))
            vault = self.secret(f"vault_key_{key_of(m)}", f"vault key of {m} (base64 of 32 bytes)")
            refs.append(secret_ref(vault, f"{prefix}vault_key"))
            for field in ("after_referral_ended_days", "never_referred_days"):
                variable = f"{variables}RETENTION__{field.upper()}"
                env[variable] = env_ref(f"RETENTION_{field.upper()}_{key_of(m).upper()}", f"{m}'s retention (DPO)")
        service = self.app("referrals", "cantiere_referrals", port, env, [*nats_refs, *refs])
        job = self.app("retention", "cantiere_referrals", port, env, refs)
        job_env = {k: v for k, v in job["environment"].items() if not k.startswith("CANTIERE_NATS__")}
        job |= {
            # Erases on each municipality's store; the running service's relay publishes the events.
            "command": [
                "sh",
                "-c",
                f"while true; do python -m cantiere_referrals retention; sleep {RETENTION_EVERY_SECONDS}; done",
            ],
            "environment": job_env,
            "depends_on": {f"referrals-{process}": {"condition": "service_healthy"}},
            "healthcheck": {"disable": True},
        }
        del job["ports"]
        return service, job

    def nats(self) -> dict:
        refs = [
            secret_ref(self.secret(nats_secret(u.password_var), f"NATS password of {u.name}"), u.password_var)
            for u in self.users.values()
        ]
        # nats-server.conf's tls block reads these two files.
        refs += [
            secret_ref(self.secret(NATS_TLS_CERT, "NATS server certificate (PEM)"), "nats_server.crt"),
            secret_ref(self.secret(NATS_TLS_KEY, "NATS server private key (PEM)"), "nats_server.key"),
        ]
        return {
            "image": image(self.images, "nats"),
            # entrypoint.sh exports each /run/secrets/NATS_PASSWORD_* so accounts.conf's $NATS_PASSWORD_* resolve.
            "entrypoint": ["/bin/sh", "/etc/nats/entrypoint.sh"],
            "command": ["-c", "/etc/nats/nats-server.conf"],
            "volumes": ["./deploy/nats:/etc/nats:ro", "nats-data:/data"],
            "secrets": refs,
            "ports": ["127.0.0.1:4222:4222"],
            "healthcheck": {
                "test": ["CMD", "wget", "-qO-", "http://127.0.0.1:8222/healthz?js-enabled-only=true"],
                "interval": "5s",
                "timeout": "3s",
                "retries": 12,
            },
            "restart": "unless-stopped",
            "deploy": limits("nats"),
        }

    def postgres(self) -> dict:
        logins = sorted(
            name.removeprefix("postgres_password_") for name in self.secrets if name.startswith("postgres_password_")
        )
        superuser = self.secret("postgres_password", "PostgreSQL superuser password")
        refs = [secret_ref(superuser, superuser)] + [
            secret_ref(f"postgres_password_{n}", f"postgres_password_{n}") for n in logins
        ]
        return {
            "image": image(self.images, "postgres"),
            "environment": {"POSTGRES_USER": "postgres", "POSTGRES_PASSWORD_FILE": f"{RUN_SECRETS}/postgres_password"},
            "secrets": refs,
            # Creates a database and login for each /run/secrets/postgres_password_<name> (empty volume only).
            "volumes": [
                "./deploy/postgres/init-databases.sh:/docker-entrypoint-initdb.d/init-databases.sh:ro",
                "postgres-data:/var/lib/postgresql/data",
            ],
            "healthcheck": {
                "test": ["CMD", "pg_isready", "-U", "postgres"],
                "interval": "5s",
                "timeout": "3s",
                "retries": 12,
            },
            "restart": "unless-stopped",
            "deploy": limits("postgres"),
        }

    def bootstrap(self) -> dict:
        admin = self.secret(nats_secret(nats_generate.password_variable("admin")), "NATS password of cantiere-admin")
        # `cantiere streams` takes a URL: build it from the secret inside the container (hex password).
        script = (
            f'CANTIERE_NATS__URL="tls://cantiere-admin:$$(cat {RUN_SECRETS}/nats_password_admin)@nats:4222" '
            "exec cantiere streams --replicas 1"
        )
        return {
            "build": {
                "context": ".",
                "dockerfile": "deploy/Dockerfile",
                "args": {"PYTHON_IMAGE": image(self.images, "python")},
            },
            "image": "cantiere:latest",
            "command": ["sh", "-c", script],
            "environment": {"CANTIERE_NATS__TLS_CA": NATS_CA_FILE},
            "secrets": [secret_ref(admin, admin), self.nats_ca()],
            "depends_on": {"nats": {"condition": "service_healthy"}},
            "restart": "no",
            "healthcheck": {"disable": True},  # exits when done; dependants wait for its successful completion
            "deploy": limits("bootstrap"),
        }

    def compose(self) -> dict:
        apps: dict[str, dict] = {"placements": self.placements(), "monitoring": self.monitoring()}
        for offset, (process, served) in enumerate(self.territory.referrals_groups()):
            service, job = self.referrals(process, served, REFERRALS_FIRST_PORT + offset)
            apps[f"referrals-{process}"] = service
            apps[f"retention-{process}"] = job
        services = {"nats": self.nats(), "postgres": self.postgres(), "bootstrap": self.bootstrap(), **apps}
        return {
            "name": "cantiere",
            "services": services,
            "secrets": {name: {"file": f"./{SECRETS_DIR}/{name}"} for name in sorted(self.secrets)},
            "volumes": {"nats-data": None, "postgres-data": None},
        }


class _NoAliases(yaml.SafeDumper):
    """Plain YAML without anchors: every service spelled out, easy to read and to parse."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _none_as_empty(dumper: yaml.SafeDumper, _: None) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_NoAliases.add_representer(type(None), _none_as_empty)


def render(territory: Territory, source: str, images: dict[str, dict[str, str]]) -> str:
    plan = Plan(territory, images)
    body = yaml.dump(plan.compose(), Dumper=_NoAliases, sort_keys=False, width=200, allow_unicode=True)
    unpinned = [f"{name} ({entry['tag']})" for name, entry in images.items() if not entry.get("digest")]
    header = [
        f"# GENERATED by deploy/compose/generate.py from {source}: edit the generator, not this file (`make compose`).",
        "# Production-like deployment on one host: NATS (JetStream, file storage, least-privilege users, TLS),",
        "# PostgreSQL (a database and login per municipality, plus placements and monitoring), the one-shot",
        "# bootstrap that declares the streams, placements, monitoring, one referrals service per referrals",
        "# process with its municipalities, and each process's daily retention job.",
        "#",
        "# Secrets are compose secrets: files under deploy/secrets/ (git-ignored; `make secrets` creates the",
        "# missing ones), mounted in /run/secrets/<target>, read by the services through CANTIERE_SECRETS_DIR.",
        "# A target is named like the variable it replaces (cantiere_nats__password,",
        "# cantiere_municipality__<code>__vault_key). Non-secret settings per deployment (public addresses,",
        "# retention periods) come from .env (cp deploy/env.example .env); compose refuses to start without them.",
        "# Run without containers by tests/e2e/test_production_shaped_run.py.",
        "# Design and the cluster / leaf-node variants: deploy/README.md.",
    ]
    if unpinned:
        header.append(f"# NOT PINNED BY DIGEST (tag only, see deploy/compose/images.yaml): {', '.join(unpinned)}.")
    return "\n".join(header) + "\n" + body


def load_images(path: Path = IMAGES) -> dict[str, dict[str, str]]:
    images: dict[str, dict[str, str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    for name, entry in images.items():
        digest = entry.get("digest") or ""
        if digest and not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            raise ValueError(f"{path.name}: {name}.digest must be sha256:<64 hex digits>, not {digest!r}")
    return images


def new_ca(name: str, now: dt.datetime) -> tuple[Any, Any]:
    """A private certificate authority: (private key, certificate), valid ten years."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(cert_sign=True), critical=True)
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_server_cert(ca: tuple[Any, Any], hosts: tuple[str, ...], now: dt.datetime) -> tuple[str, str]:
    """A TLS server certificate for ``hosts`` (names or IP addresses) signed by ``ca``: (certificate, key) as PEM."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca_key, ca_cert = ca
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(cert_sign=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem(cert), key_pem.decode()


def pem(cert: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    return str(cert.public_bytes(serialization.Encoding.PEM).decode())


def _key_usage(*, cert_sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def nats_tls(hosts: tuple[str, ...] = NATS_TLS_HOSTS) -> dict[str, str]:
    """The NATS server's TLS secrets: a new private CA's certificate, and a server certificate and key it signed.

    The CA's private key is not kept: to renew, delete the three files and run `make secrets` again."""
    now = dt.datetime.now(dt.UTC)
    ca = new_ca("Cantiere NATS CA", now)
    cert, key = issue_server_cert(ca, hosts, now)
    return {NATS_CA: pem(ca[1]), NATS_TLS_CERT: cert, NATS_TLS_KEY: key}


def secret_value(name: str, made: dict[str, str]) -> str:
    """A fresh value for a secret file; database URLs embed their login's password (made first)."""
    if name in (NATS_CA, NATS_TLS_CERT, NATS_TLS_KEY):
        if name not in made:
            made.update(nats_tls())
        return made[name].strip()
    if name.startswith("database_url_"):
        login = name.removeprefix("database_url_")
        return f"postgresql://{login}:{made[f'postgres_password_{login}']}@postgres:5432/{login}"
    if name.startswith("vault_key_"):
        return base64.b64encode(secrets.token_bytes(32)).decode()
    if name.startswith("oidc_issuers_"):
        return "[]"  # refused in production until the partner's identity provider is named (deploy/README.md)
    return secrets.token_hex(24)  # hex: the admin's NATS password also goes into a URL


def write_secrets(territory: Territory, directory: Path) -> list[str]:
    """Create each missing secret file (never overwrite one); return the names created.

    The directory is private (0700: nobody else on the host reaches the files); the files are readable (0644)
    because compose without swarm bind-mounts a file secret with its host owner and mode, ignoring the
    secret's uid/gid/mode: a 0600 file of the operator's would be unreadable to the services' user (uid 10001,
    see the Dockerfile) and to postgres' init script in their containers."""
    plan = Plan(territory, load_images())
    plan.compose()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)
    made: dict[str, str] = {}
    created = []
    tls = [(directory / name).exists() for name in (NATS_CA, NATS_TLS_CERT, NATS_TLS_KEY)]
    if any(tls) and not all(tls):
        raise SystemExit(f"{directory}: {NATS_CA}, {NATS_TLS_CERT} and {NATS_TLS_KEY} go together: delete all three")
    # Passwords first: a database URL embeds its login's password.
    for name in sorted(plan.secrets, key=lambda n: (n.startswith("database_url_"), n)):
        path = directory / name
        if path.exists():
            made[name] = path.read_text(encoding="utf-8").strip()
            continue
        made[name] = secret_value(name, made)
        path.write_text(made[name] + "\n", encoding="utf-8")
        path.chmod(0o644)
        created.append(name)
    return created


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("territory", nargs="?", type=Path, default=DEFAULT_TERRITORY)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--secrets", action="store_true", help="create the missing secret files instead")
    parser.add_argument("--secrets-dir", type=Path, default=REPO / SECRETS_DIR)
    args = parser.parse_args(argv)
    territory = load_territory(args.territory)
    if args.secrets:
        created = write_secrets(territory, args.secrets_dir)
        print(f"{args.secrets_dir}: created {len(created)} secret files: {', '.join(created) or 'none'}")
        print("Now name each partner's identity provider in the oidc_issuers_* files (deploy/README.md, Sign-in).")
        return
    try:
        source = str(args.territory.resolve().relative_to(REPO))
    except ValueError:
        source = args.territory.name
    args.output.write_text(render(territory, source, load_images()), encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
