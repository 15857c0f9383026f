"""docker-compose.yml parses and wires every service as the deployment needs (no Docker engine needed)."""

from __future__ import annotations

import yaml

from .conftest import DEPLOY, REPO, generate

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
APPS = {
    "placements": ("cantiere_placements", "ati-cantiere", "placements-ati-cantiere", 8100),
    "monitoring": ("cantiere_monitoring", "cabina-di-regia", "monitoring-cabina-di-regia", 8200),
    "referrals-bari": ("cantiere_referrals", "bari", "referrals-bari", 8300),
    "referrals-mola-di-bari": ("cantiere_referrals", "mola-di-bari", "referrals-mola-di-bari", 8301),
}
ENV_KEYS = {
    "CANTIERE_DATABASE_URL",
    "CANTIERE_NATS__URL",
    "CANTIERE_NATS__USER",
    "CANTIERE_NATS__PASSWORD",
    "CANTIERE_NATS__INBOX_PREFIX",
    "CANTIERE_PARTNER",
    "CANTIERE_OIDC_ISSUERS",
    "CANTIERE_PUBLIC_URL",
    "CANTIERE_ENVIRONMENT",
    "CANTIERE_HTTP_PORT",
}


def test_compose_has_nats_postgres_bootstrap_and_the_four_services() -> None:
    assert set(SERVICES) == {"nats", "postgres", "bootstrap", *APPS}


def test_every_service_has_a_healthcheck() -> None:
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name
    # The one-shot bootstrap cannot be "healthy": dependants wait for it to complete instead.
    assert SERVICES["bootstrap"]["healthcheck"] == {"disable": True}


def test_each_app_runs_its_service_with_its_own_identity_database_and_port() -> None:
    databases = set()
    for name, (module, partner, nats_user, port) in APPS.items():
        service = SERVICES[name]
        env = service["environment"]
        assert set(env) >= ENV_KEYS, name
        assert service["command"] == ["python", "-m", module, "serve"]
        assert env["CANTIERE_PARTNER"] == partner
        assert env["CANTIERE_NATS__USER"] == nats_user
        # Its own inboxes, the only ones accounts.conf lets it subscribe to.
        assert env["CANTIERE_NATS__INBOX_PREFIX"] == generate.inbox_prefix(nats_user)
        assert env["CANTIERE_ENVIRONMENT"] == "production"
        assert env["CANTIERE_DATABASE_URL"].startswith("postgresql://")
        databases.add(env["CANTIERE_DATABASE_URL"].rsplit("/", 1)[1])
        assert env["CANTIERE_HTTP_PORT"] == str(port)
        assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
        assert "/health" in " ".join(service["healthcheck"]["test"])
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert service["depends_on"]["bootstrap"] == {"condition": "service_completed_successfully"}
    assert len(databases) == len(APPS)  # a database per service


def test_no_secret_is_written_in_compose_only_env_substitutions() -> None:
    for service in SERVICES.values():
        for key, value in (service.get("environment") or {}).items():
            if "PASSWORD" in key or "SECRET" in key:
                assert str(value).startswith("${") and ":?" in str(value), key
    for name in APPS:
        env = SERVICES[name]["environment"]
        assert "${POSTGRES_PASSWORD_" in env["CANTIERE_DATABASE_URL"]


def test_bootstrap_declares_the_streams_as_the_admin_user() -> None:
    bootstrap = SERVICES["bootstrap"]
    assert bootstrap["command"][:2] == ["cantiere", "streams"]
    assert bootstrap["environment"]["CANTIERE_NATS__URL"].startswith("nats://cantiere-admin:${NATS_PASSWORD_ADMIN")
    assert bootstrap["restart"] == "no"


def test_nats_mounts_the_deploy_config_and_has_every_password_its_accounts_need() -> None:
    nats = SERVICES["nats"]
    assert "./deploy/nats:/etc/nats:ro" in nats["volumes"]
    assert nats["command"] == ["-c", "/etc/nats/nats-server.conf"]
    accounts = (DEPLOY / "nats/accounts.conf").read_text(encoding="utf-8")
    for variable in {line.split("$", 1)[1] for line in accounts.splitlines() if "password: $" in line}:
        assert variable in nats["environment"], variable


def test_the_dockerfile_installs_the_five_packages_on_python_311_slim() -> None:
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert "FROM python:3.11-slim" in text
    for package in ["libs/events", "libs/runtime", "services/referrals", "services/placements", "services/monitoring"]:
        assert f"./{package}" in text
