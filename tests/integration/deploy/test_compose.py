"""docker-compose.yml is what the generator writes, and wires every service as production needs.

No Docker engine is needed: the file is read as YAML, and each service's environment and secrets are
loaded through the services' own settings classes, as the container would, with invented secret values.
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import DEPLOY, REPO, compose_generate, generate, pilot_territory

TEXT = (REPO / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(TEXT)
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
TERRITORY = pilot_territory()
GROUPS = TERRITORY.referrals_groups()
PROCESSES = {f"referrals-{process}": served for process, served in GROUPS}
APPS = {
    "placements": "cantiere_placements",
    "monitoring": "cantiere_monitoring",
    **{name: "cantiere_referrals" for name in PROCESSES},
}
ENV_EXAMPLE = (DEPLOY / "env.example").read_text(encoding="utf-8")


def targets(service: dict[str, Any]) -> dict[str, str]:
    """A service's secrets: target (file name under /run/secrets) -> source (secret name)."""
    return {ref["target"]: ref["source"] for ref in service.get("secrets", [])}


def test_the_committed_compose_file_is_what_the_generator_writes() -> None:
    source = "libs/runtime/cantiere_runtime/territories/bari-pilot.yaml"
    assert compose_generate.render(TERRITORY, source, compose_generate.load_images()) == TEXT


def test_nats_postgres_bootstrap_placements_monitoring_and_a_referrals_service_and_retention_job_per_process() -> None:
    retention = {f"retention-{process}" for process, _ in GROUPS}
    assert set(SERVICES) == {"nats", "postgres", "bootstrap", *APPS, *retention}
    assert set(PROCESSES) == {"referrals-ambito-bari", "referrals-ambito-mola-di-bari", "referrals-ambito-triggiano"}


def test_every_municipality_of_the_territory_is_served_by_exactly_one_referrals_service() -> None:
    served: list[str] = []
    for name in PROCESSES:
        env = SERVICES[name]["environment"]
        served += json.loads(env.get("CANTIERE_MUNICIPALITIES", json.dumps([env["CANTIERE_PARTNER"]])))
    assert sorted(served) == sorted(m.code for m in TERRITORY.municipalities)
    assert json.loads(SERVICES["referrals-ambito-triggiano"]["environment"]["CANTIERE_MUNICIPALITIES"]) == [
        "triggiano",
        "adelfia",
        "capurso",
        "cellamare",
        "valenzano",
    ]


def test_each_municipality_has_its_own_database_and_vault_key_secret() -> None:
    databases, vault_keys = set(), set()
    postgres_logins = set(targets(SERVICES["postgres"]))
    for name, served in PROCESSES.items():
        secrets = targets(SERVICES[name])
        for m in served:
            key = m.replace("-", "_")
            database = secrets[f"cantiere_municipality__{key}__database_url"]
            vault = secrets[f"cantiere_municipality__{key}__vault_key"]
            assert database == f"database_url_referrals_{key}" and vault == f"vault_key_{key}"
            assert f"postgres_password_referrals_{key}" in postgres_logins  # its own login and database
            databases.add(database)
            vault_keys.add(vault)
    assert len(databases) == len(vault_keys) == len(TERRITORY.municipalities)
    assert {"postgres_password_placements", "postgres_password_monitoring", "postgres_password"} <= postgres_logins


def test_each_app_runs_its_service_with_its_own_nats_identity_and_port() -> None:
    ports = set()
    for name, module in APPS.items():
        service, env = SERVICES[name], SERVICES[name]["environment"]
        assert service["command"] == ["python", "-m", module, "serve"]
        user = env["CANTIERE_NATS__USER"]
        assert user == {"placements": "placements-ati-cantiere", "monitoring": "monitoring-cabina-di-regia"}.get(
            name, name
        )
        assert env["CANTIERE_NATS__INBOX_PREFIX"] == generate.inbox_prefix(user)
        assert targets(service)["cantiere_nats__password"] == f"nats_password_{user.split('-', 1)[1].replace('-', '_')}"
        assert env["CANTIERE_ENVIRONMENT"] == "production" and env["CANTIERE_SECRETS_DIR"] == "/run/secrets"
        port = env["CANTIERE_HTTP_PORT"]
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
        ports.add(port)
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["depends_on"]["bootstrap"] == {"condition": "service_completed_successfully"}
        assert "/health" in " ".join(service["healthcheck"]["test"])
    assert len(ports) == len(APPS)


def test_every_secret_named_is_a_git_ignored_file_and_no_secret_value_is_in_the_file() -> None:
    declared = COMPOSE["secrets"]
    for name, service in SERVICES.items():
        for source in targets(service).values():
            assert source in declared, (name, source)
    for name, entry in declared.items():
        assert entry == {"file": f"./deploy/secrets/{name}"}
    assert {".env", "deploy/secrets/"} <= set((REPO / ".gitignore").read_text(encoding="utf-8").split())
    dockerignore = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", "deploy/secrets/", "var/", ".venv/"} <= set(dockerignore)
    assert "postgresql://" not in TEXT and "sha256:" not in TEXT.replace("@sha256:", "")
    secretish = re.compile(r"PASSWORD|SECRET|_KEY$|ISSUERS|DATABASE_URL")
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            if secretish.search(key) and key != "CANTIERE_SECRETS_DIR":
                assert key == "POSTGRES_PASSWORD_FILE" and value.startswith("/run/secrets/"), (name, key)
    # What compose substitutes from .env is not secret, and env.example names all of it.
    for variable in set(re.findall(r"\$\{([A-Z0-9_]+)", TEXT)):
        assert variable.startswith(("CANTIERE_PUBLIC_URL_", "RETENTION_")), variable
        assert f"\n{variable}=" in ENV_EXAMPLE, variable


def test_nats_gets_a_password_secret_for_every_user_of_accounts_conf() -> None:
    nats = SERVICES["nats"]
    assert "./deploy/nats:/etc/nats:ro" in nats["volumes"]
    assert nats["entrypoint"] == ["/bin/sh", "/etc/nats/entrypoint.sh"]
    assert nats["command"] == ["-c", "/etc/nats/nats-server.conf"]
    accounts = (DEPLOY / "nats/accounts.conf").read_text(encoding="utf-8")
    variables = set(re.findall(r"password: \$(NATS_PASSWORD_[A-Z0-9_]+)", accounts))
    assert variables == {t for t in targets(nats) if t.startswith("NATS_PASSWORD_")}
    # The services read the same secret as their own password.
    for name in APPS:
        assert targets(SERVICES[name])["cantiere_nats__password"] in set(targets(nats).values())


def test_bootstrap_declares_the_streams_as_the_admin_user_from_its_secret() -> None:
    bootstrap = SERVICES["bootstrap"]
    assert "cantiere streams" in bootstrap["command"][-1]
    assert "tls://cantiere-admin:$$(cat /run/secrets/nats_password_admin)@nats:4222" in bootstrap["command"][-1]
    assert targets(bootstrap) == {"nats_password_admin": "nats_password_admin", "nats_ca.crt": "nats_ca"}
    assert bootstrap["environment"] == {"CANTIERE_NATS__TLS_CA": "/run/secrets/nats_ca.crt"}
    assert bootstrap["restart"] == "no" and bootstrap["healthcheck"] == {"disable": True}


def test_each_process_has_a_daily_retention_job_without_nats_credentials() -> None:
    for process, _ in GROUPS:
        job, service = SERVICES[f"retention-{process}"], SERVICES[f"referrals-{process}"]
        assert "python -m cantiere_referrals retention" in job["command"][-1] and "sleep 86400" in job["command"][-1]
        assert job["depends_on"] == {f"referrals-{process}": {"condition": "service_healthy"}}
        assert "cantiere_nats__password" not in targets(job) and "nats_ca.crt" not in targets(job)
        nats_only = {"cantiere_nats__password", "nats_ca.crt"}
        assert targets(job) == {t: s for t, s in targets(service).items() if t not in nats_only}
        retention = {k: v for k, v in service["environment"].items() if "RETENTION__" in k}
        assert retention and all(job["environment"][k] == v for k, v in retention.items())


def test_every_service_has_resource_limits_and_a_pinnable_image() -> None:
    for name, service in SERVICES.items():
        limits = service["deploy"]["resources"]["limits"]
        assert limits["cpus"] and limits["memory"], name
    images = compose_generate.load_images()
    assert SERVICES["nats"]["image"].startswith(images["nats"]["tag"])
    assert SERVICES["placements"]["build"]["args"]["PYTHON_IMAGE"].startswith(images["python"]["tag"])


def test_the_dockerfile_takes_the_base_image_as_an_arg_with_the_tag_as_fallback() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "\nARG PYTHON_IMAGE=python:3.11-slim\n" in text
    stages = [line.split() for line in text.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2  # the build stage and the image
    assert all(stage[1] == "${PYTHON_IMAGE}" for stage in stages)


def test_the_image_installs_every_workspace_package_the_services_depend_on() -> None:
    """A workspace package missing from the image would be looked up on the package index instead."""
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    workspace = {
        tomllib.loads(path.read_text(encoding="utf-8"))["project"]["name"]: path.parent.relative_to(REPO).as_posix()
        for path in [*REPO.glob("libs/*/pyproject.toml"), *REPO.glob("services/*/pyproject.toml")]
    }
    needed: set[str] = set()
    for service in ("referrals", "placements", "monitoring"):
        project = tomllib.loads((REPO / f"services/{service}/pyproject.toml").read_text(encoding="utf-8"))["project"]
        needed |= {f"cantiere-{service}"} | {d for d in project["dependencies"] if d in workspace}
    # The build stage installs every member of the uv workspace from the lock (`uv sync --all-packages`).
    members = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["uv"]["workspace"]["members"]
    assert any(line.startswith("RUN uv sync") and "--all-packages" in line for line in text.splitlines())
    for name in needed:
        folder = workspace[name]
        assert f"COPY {folder} {folder}\n" in text and folder in members, name


def test_every_client_of_nats_verifies_its_tls_with_the_deployment_ca() -> None:
    nats = SERVICES["nats"]
    assert {"nats_server.crt": "nats_tls_cert", "nats_server.key": "nats_tls_key"}.items() <= targets(nats).items()
    conf = (DEPLOY / "nats/nats-server.conf").read_text(encoding="utf-8")
    tls = re.search(r"^tls \{\n(.*?)^\}", conf, re.S | re.M)
    assert tls is not None, "nats-server.conf requires TLS from every client"
    assert 'cert_file: "/run/secrets/nats_server.crt"' in tls.group(1)
    assert 'key_file:  "/run/secrets/nats_server.key"' in tls.group(1)
    for name in APPS:
        env = SERVICES[name]["environment"]
        assert env["CANTIERE_NATS__URL"] == "tls://nats:4222", name
        assert env["CANTIERE_NATS__TLS_CA"] == "/run/secrets/nats_ca.crt" and targets(SERVICES[name])["nats_ca.crt"]


def test_an_image_digest_must_be_a_sha256(tmp_path: Path) -> None:
    images = tmp_path / "images.yaml"
    images.write_text('python: {tag: "python:3.11-slim", digest: "latest"}\n')
    with pytest.raises(ValueError, match="sha256"):
        compose_generate.load_images(images)
    pinned = "sha256:" + "a" * 64
    images.write_text(f'python: {{tag: "python:3.11-slim", digest: "{pinned}"}}\n')
    assert compose_generate.image(compose_generate.load_images(images), "python") == f"python:3.11-slim@{pinned}"


# --- the services read their settings from this file, as in their containers ----------------------


def invented_secret(target: str, source: str, issuers: list[str], audience: str) -> str:
    if source.startswith("vault_key_"):
        return base64.b64encode(source.encode().ljust(32, b"!")[:32]).decode()
    if source.startswith("vault_old_keys_"):
        return json.dumps({"old-1": base64.b64encode(source.encode().ljust(32, b"?")[:32]).decode()})
    if source.startswith("database_url_"):
        login = source.removeprefix("database_url_")
        return f"postgresql://{login}:pw-{login}@postgres:5432/{login}"
    if source.startswith("oidc_issuers_"):
        return json.dumps(
            [{"partner": p, "issuer": f"https://id.{p}.example/realms/cantiere", "audience": audience} for p in issuers]
        )
    if source == "metrics_token":
        return "invented-metrics-token-" + "m" * 24 + "\n"
    return f"invented-{source}\n"


def interpolate(value: str) -> str:
    """compose's ${VAR:?...} from env.example, and $$ as $."""
    values = dict(line.split("=", 1) for line in ENV_EXAMPLE.splitlines() if line and not line.startswith("#"))
    return re.sub(r"\$\{([A-Z0-9_]+):\?[^}]*\}", lambda m: values[m.group(1)], value).replace("$$", "$")


@pytest.mark.parametrize("name", [*APPS, *(f"retention-{p}" for p, _ in GROUPS)])
def test_each_service_loads_its_production_settings_from_environment_and_secret_files(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = SERVICES[name]
    module = service["command"][2] if service["command"][0] == "python" else "cantiere_referrals"
    env = {key: interpolate(str(value)) for key, value in service["environment"].items()}
    served = json.loads(env.get("CANTIERE_MUNICIPALITIES", json.dumps([env["CANTIERE_PARTNER"]])))
    audience, issuers = {
        "cantiere_placements": ("cantiere-placements", ["ati-cantiere"]),
        "cantiere_monitoring": ("cantiere-monitoring", ["cabina-di-regia"]),
    }.get(module, ("cantiere-referrals", served))
    for target, source in targets(service).items():
        (tmp_path / target).write_text(invented_secret(target, source, issuers, audience), encoding="utf-8")
    for key in [k for k in os.environ if k.startswith("CANTIERE_")]:
        monkeypatch.delenv(key)
    env["CANTIERE_SECRETS_DIR"] = str(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    bootstrap = importlib.import_module(f"{module}.bootstrap")
    settings = bootstrap.load_settings()
    settings.check_production()
    assert settings.public_url.startswith("https://")
    assert settings.metrics_token.get_secret_value() == "invented-metrics-token-" + "m" * 24  # who may scrape
    if module != "cantiere_referrals":
        assert settings.database_url.endswith(f"/{module.removeprefix('cantiere_')}")
        assert settings.nats.password.get_secret_value().startswith("invented-nats_password_")
        if module == "cantiere_placements":  # the keyring: the current key and the older one from its file
            assert bootstrap.keyring_of(settings).ids >= {"v1", "old-1"}
        return
    members = [settings.for_municipality(m) for m in settings.serves]
    assert {m.database_url.rsplit("/", 1)[1] for m in members} == {f"referrals_{m.replace('-', '_')}" for m in served}
    assert len({m.vault_key.get_secret_value() for m in members}) == len(served)
    for member in members:
        assert bootstrap.keyring_of(member).ids == {"v1", "old-1"}  # each municipality's own older keys arrive
        member.check_retention()  # the DPO's periods reach every municipality
    if name.startswith("referrals-"):
        assert settings.nats.user == name and settings.nats.password is not None
    else:
        assert settings.nats.password is None  # the retention job never connects to NATS


def test_make_secrets_creates_every_missing_secret_file_and_keeps_the_existing_ones(tmp_path: Path) -> None:
    (tmp_path / "vault_key_bari").write_text("kept\n")
    created = compose_generate.write_secrets(TERRITORY, tmp_path)
    assert set(created) | {"vault_key_bari"} == set(COMPOSE["secrets"])
    assert (tmp_path / "vault_key_bari").read_text() == "kept\n"
    password = (tmp_path / "postgres_password_referrals_capurso").read_text().strip()
    url = (tmp_path / "database_url_referrals_capurso").read_text().strip()
    assert url == f"postgresql://referrals_capurso:{password}@postgres:5432/referrals_capurso"
    assert len(base64.b64decode((tmp_path / "vault_key_capurso").read_text())) == 32
    assert (tmp_path / "oidc_issuers_placements").read_text().strip() == "[]"  # refused until an IdP is named
    # compose bind-mounts a file secret with its host owner and mode: readable files in a private directory.
    assert tmp_path.stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "vault_key_capurso").stat().st_mode & 0o777 == 0o644
    assert json.loads((tmp_path / "vault_old_keys_capurso").read_text()) == {}  # no older key yet
    assert compose_generate.write_secrets(TERRITORY, tmp_path) == []


def test_make_secrets_makes_a_nats_server_certificate_for_the_compose_host_signed_by_its_ca(tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    compose_generate.write_secrets(TERRITORY, tmp_path)
    ca = x509.load_pem_x509_certificate((tmp_path / "nats_ca").read_bytes())
    cert = x509.load_pem_x509_certificate((tmp_path / "nats_tls_cert").read_bytes())
    assert cert.issuer == ca.subject
    ca.public_key().verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))  # type: ignore[call-arg, arg-type]
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "nats" in names.get_values_for_type(x509.DNSName)
    (tmp_path / "nats_tls_key").unlink()  # a certificate without its key: refuse to guess
    with pytest.raises(SystemExit, match="go together"):
        compose_generate.write_secrets(TERRITORY, tmp_path)


def test_make_secrets_keeps_placements_pre_key_id_secret_readable_as_the_legacy_key(tmp_path: Path) -> None:
    (tmp_path / "placements_vault_secret").write_text("an-invented-old-secret\n")
    compose_generate.write_secrets(TERRITORY, tmp_path)
    old_keys = json.loads((tmp_path / "vault_old_keys_placements").read_text())
    assert base64.b64decode(old_keys["legacy"]) == hashlib.sha256(b"an-invented-old-secret").digest()
    assert "placements_vault_secret" not in COMPOSE["secrets"]  # no longer mounted: its key is in the keyring
