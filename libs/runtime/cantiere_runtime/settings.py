"""Service configuration with pydantic-settings: environment variables (CANTIERE_...) and an optional TOML file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    NestedSecretsSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from cantiere_runtime.bus import NatsSettings
from cantiere_runtime.identity.issuers import IssuerSettings


class ServiceSettings(BaseSettings):
    """What every service reads at start: its partner code, database, NATS identity, HTTP address, sign-in.

    ``oidc_issuers`` names the OpenID Connect issuers this service trusts, each bound to one partner
    (``CANTIERE_OIDC_ISSUERS`` as a JSON list, or ``[[oidc_issuers]]`` tables in the TOML file); with none,
    every token is refused. ``public_url`` is the address users reach the service at (the sign-in redirect
    URI is ``{public_url}/auth/callback``; an https URL makes the session cookie Secure).

    Environment variables use the ``CANTIERE_`` prefix and ``__`` for nesting
    (``CANTIERE_NATS__URL``); ``CANTIERE_SETTINGS_FILE`` may name a TOML file
    with the same keys. The environment wins over the file.

    Secrets may also come from files (compose ``secrets:``): ``CANTIERE_SECRETS_DIR`` names a
    directory (``/run/secrets`` in compose) where each file is named like the environment variable
    it replaces, in lower case, and holds its value: ``cantiere_vault_key`` fills ``vault_key``,
    ``cantiere_nats__password`` fills ``nats.password``,
    ``cantiere_municipality__mola_di_bari__vault_key`` one municipality's vault key. The
    environment and the TOML file win over the files. Without ``CANTIERE_SECRETS_DIR`` no file is read.
    """

    model_config = SettingsConfigDict(env_prefix="CANTIERE_", env_nested_delimiter="__", extra="ignore")

    partner: str = Field(default="bari", pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    territory: str = "bari-pilot"
    territory_file: Path | None = None
    database_url: str = "sqlite:///var/db/service.db"
    nats: NatsSettings = NatsSettings()
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    oidc_issuers: tuple[IssuerSettings, ...] = ()
    public_url: str | None = None
    session_secret: SecretStr | None = None  # signs the session cookie; unset: a random one per process
    session_idle_minutes: float = Field(default=30.0, gt=0)  # a browser session unused this long ends
    token_secret: SecretStr | None = None  # retired shared secret: ignored, and refused in production
    environment: Literal["development", "test", "production"] = "development"
    log_format: Literal["auto", "json", "console"] = "auto"
    log_level: str = "INFO"
    # Who may read GET /metrics: a Prometheus presenting this bearer token (a compose secret). Unset: anyone
    # outside production, nobody in production.
    metrics_token: SecretStr | None = None
    # Development only: take "now" from the simulated clock on NATS (cantiere_runtime.clock); refused in production.
    dev_clock: bool = False

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
        if secrets_dir := os.environ.get("CANTIERE_SECRETS_DIR"):
            # A named secrets directory that is not there is a deployment mistake: stop, do not run without.
            secrets = NestedSecretsSettingsSource(
                file_secret_settings,
                secrets_dir=secrets_dir,
                secrets_dir_missing="error",
                secrets_nested_delimiter="__",
            )
            sources.append(secrets)
        else:
            sources.append(file_secret_settings)  # secrets_dir unset: reads nothing
        return tuple(sources)

    def check_production(self) -> None:
        """Refuse to run in production with the development identity provider, test keys or a shared secret."""
        if self.environment != "production":
            return
        if self.dev_clock:
            raise ValueError(
                "L'orologio simulato è solo per lo sviluppo / CANTIERE_DEV_CLOCK is for development only: "
                "in production every event takes the real time"
            )
        problems = [problem for issuer in self.oidc_issuers for problem in issuer.production_problems()]
        if not self.oidc_issuers:
            problems.append("CANTIERE_OIDC_ISSUERS must name the partner's identity provider")
        if self.token_secret is not None:
            problems.append("CANTIERE_TOKEN_SECRET is no longer used (tokens are verified with the IdP's keys)")
        if not (self.public_url or "").startswith("https://"):
            problems.append("CANTIERE_PUBLIC_URL must be the service's https address")
        if self.metrics_token is not None and len(self.metrics_token.get_secret_value()) < 32:
            problems.append("CANTIERE_METRICS_TOKEN must be at least 32 characters (make secrets writes one)")
        if problems:
            raise ValueError(
                "Configurazione di accesso non valida in produzione / sign-in not fit for production: "
                + "; ".join(problems)
            )
