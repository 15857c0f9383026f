"""Service settings come from the environment and from a TOML file; production refuses the development secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from cantiere_runtime.settings import ServiceSettings


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


def test_production_refuses_the_development_token_secret() -> None:
    with pytest.raises(ValueError, match="TOKEN_SECRET"):
        ServiceSettings(environment="production").check_production()


def test_an_invalid_partner_code_is_refused() -> None:
    with pytest.raises(ValueError, match="partner"):
        ServiceSettings(partner="Mola di Bari")
