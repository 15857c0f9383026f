"""Service settings come from the environment and from a TOML file; production refuses development sign-in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cantiere_runtime.settings import ServiceSettings

from tests.support.identity import REFERRALS, TEST_ISSUERS, production_sign_in


def test_environment_variables_set_nested_nats_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANTIERE_PARTNER", "mola-di-bari")
    monkeypatch.setenv("CANTIERE_NATS__URL", "nats://10.0.0.1:4222")
    monkeypatch.setenv("CANTIERE_NATS__USER", "mola")
    settings = ServiceSettings()
    assert settings.partner == "mola-di-bari"
    assert settings.nats.url == "nats://10.0.0.1:4222" and settings.nats.user == "mola"


def test_a_settings_file_is_read_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    file = tmp_path / "cantiere.toml"
    file.write_text('partner = "triggiano"\nhttp_port = 9001\n[nats]\nurl = "nats://127.0.0.1:5000"\n')
    monkeypatch.setenv("CANTIERE_SETTINGS_FILE", str(file))
    monkeypatch.setenv("CANTIERE_HTTP_PORT", "9002")
    settings = ServiceSettings()
    assert (settings.partner, settings.http_port, settings.nats.url) == ("triggiano", 9002, "nats://127.0.0.1:5000")


def test_production_refuses_to_run_without_an_identity_provider() -> None:
    with pytest.raises(ValueError, match="CANTIERE_OIDC_ISSUERS"):
        ServiceSettings(environment="production").check_production()


def test_production_refuses_the_development_provider_and_test_keys() -> None:
    dev = {"partner": "bari", "issuer": "http://127.0.0.1:8900/bari", "audience": REFERRALS, "development": True}
    with pytest.raises(ValueError, match="development identity provider"):
        ServiceSettings(**{**production_sign_in(), "oidc_issuers": [dev]}, environment="production").check_production()
    inline = TEST_ISSUERS.issuer("bari", REFERRALS) | {"issuer": "https://id.bari.example/realms/cantiere"}
    with pytest.raises(ValueError, match="tests only"):
        ServiceSettings(
            **{**production_sign_in(), "oidc_issuers": [inline]}, environment="production"
        ).check_production()


def test_production_refuses_the_old_shared_secret() -> None:
    with pytest.raises(ValueError, match="CANTIERE_TOKEN_SECRET"):
        ServiceSettings(**production_sign_in(), token_secret="s" * 40, environment="production").check_production()


def test_production_runs_with_the_partners_own_https_provider() -> None:
    ServiceSettings(**production_sign_in(), environment="production").check_production()


def test_issuers_come_from_the_environment_as_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANTIERE_OIDC_ISSUERS", json.dumps(production_sign_in()["oidc_issuers"]))
    (issuer,) = ServiceSettings().oidc_issuers
    assert (issuer.partner, issuer.audience, issuer.claims.role) == ("bari", REFERRALS, "role")


def test_an_invalid_partner_code_is_refused() -> None:
    with pytest.raises(ValueError, match="partner"):
        ServiceSettings(partner="Mola di Bari")


# --- secrets as files (compose `secrets:`, mounted under /run/secrets) -----------------------------


def test_secrets_come_from_files_named_like_the_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cantiere_nats__password").write_text("s3cret-nats\n")  # the trailing newline is dropped
    (tmp_path / "cantiere_database_url").write_text("postgresql://placements:pw@postgres:5432/placements")
    (tmp_path / "cantiere_session_secret").write_text("a-session-secret")
    monkeypatch.setenv("CANTIERE_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("CANTIERE_NATS__USER", "placements-ati-cantiere")  # environment and files merge
    settings = ServiceSettings()
    assert settings.nats.user == "placements-ati-cantiere"
    assert settings.nats.password is not None and settings.nats.password.get_secret_value() == "s3cret-nats"
    assert settings.database_url == "postgresql://placements:pw@postgres:5432/placements"
    assert settings.session_secret is not None and settings.session_secret.get_secret_value() == "a-session-secret"


def test_the_environment_wins_over_a_secret_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cantiere_database_url").write_text("postgresql://from-the-file")
    monkeypatch.setenv("CANTIERE_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("CANTIERE_DATABASE_URL", "sqlite:///var/db/from-the-environment.db")
    assert ServiceSettings().database_url == "sqlite:///var/db/from-the-environment.db"


def test_without_a_secrets_dir_no_file_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "cantiere_database_url").write_text("postgresql://from-the-file")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CANTIERE_SECRETS_DIR", raising=False)
    assert ServiceSettings().database_url == "sqlite:///var/db/service.db"


def test_a_named_secrets_dir_that_is_missing_stops_the_service(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CANTIERE_SECRETS_DIR", str(tmp_path / "not-mounted"))
    with pytest.raises(Exception, match="does not exist"):
        ServiceSettings()
