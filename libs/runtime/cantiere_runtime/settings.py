"""Service configuration with pydantic-settings: environment variables (CANTIERE_...) and an optional TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from cantiere_runtime.bus import NatsSettings

DEV_TOKEN_SECRET = "cantiere-development-only-secret-change-me"  # noqa: S105 - refused outside development


class ServiceSettings(BaseSettings):
    """What every service reads at start: its partner code, database, NATS identity, HTTP address, secrets.

    Environment variables use the ``CANTIERE_`` prefix and ``__`` for nesting
    (``CANTIERE_NATS__URL``); ``CANTIERE_SETTINGS_FILE`` may name a TOML file
    with the same keys. The environment wins over the file.
    """

    model_config = SettingsConfigDict(env_prefix="CANTIERE_", env_nested_delimiter="__", extra="ignore")

    partner: str = Field(default="bari", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    territory: str = "bari-pilot"
    territory_file: Path | None = None
    database_url: str = "sqlite:///var/db/service.db"
    nats: NatsSettings = NatsSettings()
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    token_secret: SecretStr = SecretStr(DEV_TOKEN_SECRET)
    environment: Literal["development", "test", "production"] = "development"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings, dotenv_settings]
        if file := os.environ.get("CANTIERE_SETTINGS_FILE"):
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(file)))
        sources.append(file_secret_settings)
        return tuple(sources)

    def check_production(self) -> None:
        """Refuse to run in production with the development token secret."""
        if self.environment == "production" and self.token_secret.get_secret_value() == DEV_TOKEN_SECRET:
            raise ValueError("CANTIERE_TOKEN_SECRET must be set in production: the development secret is public")
