"""The one place that wires the referrals service: settings, registry, runtime, vault and handlers."""

from __future__ import annotations

import base64
from pathlib import Path

from cantiere_runtime.migrate import Component
from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.territory import TerritoryError, load_territory, territory_by_code
from cantiere_runtime.vault import Keyring
from pydantic import BaseModel, ConfigDict, SecretStr, ValidationInfo, field_validator

from cantiere_referrals.adapters.tables import metadata
from cantiere_referrals.adapters.vault import Vault
from cantiere_referrals.domain.events import REGISTRY
from cantiere_referrals.domain.retention import InvalidRetentionPeriod, RetentionPolicy
from cantiere_referrals.municipalities import MunicipalitySettings, code_key, derived_sqlite_url
from cantiere_referrals.service_layer.handlers import Keys, Referrals

SERVICE = "referrals"
DEFAULT_PORT = 8300
COMPONENT = Component(SERVICE, Path(__file__).parent / "migrations" / "versions", metadata)

# Development-only keys: public, refused in production like the development token secret.
DEV_VAULT_KEY = base64.b64encode(b"cantiere-dev-vault-key-32-bytes!").decode()
DEV_PROGRAMME_KEY = "cantiere-development-programme-key"


# Placeholders only: the municipality's data protection officer sets the real periods.
DEFAULT_AFTER_REFERRAL_ENDED_DAYS = 1825  # about five years after the referral was closed or withdrawn
DEFAULT_NEVER_REFERRED_DAYS = 365  # a year after registration for a person never referred


class RetentionSettings(BaseModel):
    """Retention periods in days (CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS, ...__NEVER_REFERRED_DAYS)."""

    model_config = ConfigDict(extra="forbid")

    after_referral_ended_days: int = DEFAULT_AFTER_REFERRAL_ENDED_DAYS
    never_referred_days: int = DEFAULT_NEVER_REFERRED_DAYS

    @field_validator("after_referral_ended_days", "never_referred_days", mode="before")
    @classmethod
    def _whole_days(cls, value: object, info: ValidationInfo) -> int:
        days = value.strip() if isinstance(value, str) else value
        if isinstance(days, str) and days.isascii() and days.isdigit():
            days = int(days)
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise ValueError(str(InvalidRetentionPeriod(f"CANTIERE_RETENTION__{str(info.field_name).upper()}")))
        return days

    @property
    def explicit(self) -> bool:
        """Whether both periods were configured rather than left at their placeholder defaults."""
        return {"after_referral_ended_days", "never_referred_days"} <= self.model_fields_set

    def policy(self) -> RetentionPolicy:
        """The domain's retention policy."""
        return RetentionPolicy(self.after_referral_ended_days, self.never_referred_days)


class Settings(ServiceSettings):
    """Settings of the referrals service (CANTIERE_VAULT_KEY, CANTIERE_PROGRAMME_KEY, ...)."""

    http_port: int = DEFAULT_PORT
    vault_key: SecretStr = SecretStr(DEV_VAULT_KEY)  # base64 of 32 bytes (AES-256-GCM), or "<id>:<base64>"
    vault_key_id: str = "v1"  # the id of a vault key written without one
    vault_old_keys: SecretStr | None = None  # older keys, reading only: JSON {"<id>": "<base64>"}
    programme_key: SecretStr = SecretStr(DEV_PROGRAMME_KEY)  # shared by the programme for keep-apart tokens
    programme_key_id: str = "k1"
    # Links also carry the token of the tax code as written, for municipalities that have not yet run
    # `reissue-tokens`; switch off (CANTIERE_TYPED_LINK_TOKENS=false) once every municipality has.
    typed_link_tokens: bool = True
    retention: RetentionSettings = RetentionSettings()
    # Several municipalities in one process (an ambito): see municipalities.py. Empty: just `partner`.
    municipalities: tuple[str, ...] = ()
    municipality: dict[str, MunicipalitySettings] = {}

    @field_validator("municipality", mode="after")
    @classmethod
    def _code_keys(cls, value: dict[str, MunicipalitySettings]) -> dict[str, MunicipalitySettings]:
        return {code_key(code): own for code, own in value.items()}

    @property
    def serves(self) -> tuple[str, ...]:
        """The municipalities this process serves."""
        return self.municipalities or (self.partner,)

    def for_municipality(self, code: str) -> Settings:
        """The settings one served municipality runs with, as if it were alone in its process."""
        if not self.municipalities:
            return self
        own = self.municipality.get(code_key(code), MunicipalitySettings())
        database_url = own.database_url or derived_sqlite_url(self.database_url, code)
        if database_url is None:
            raise ValueError(f"CANTIERE_MUNICIPALITY__{code.upper()}__DATABASE_URL must be set: one database each")
        update: dict[str, object] = {
            "partner": code,
            "municipalities": (),
            "municipality": {},
            "database_url": database_url,
            "vault_key": own.vault_key or self.vault_key,
            "vault_key_id": own.vault_key_id or self.vault_key_id,
            "vault_old_keys": own.vault_old_keys or self.vault_old_keys,
        }
        if own.retention is not None:
            update["retention"] = RetentionSettings(**own.retention)
        return self.model_copy(update=update)  # the updated fields count as set (retention: only if overridden)

    def check_production(self) -> None:
        """Refuse development secrets in production (each served municipality with its own key and database)."""
        super().check_production()
        if self.environment != "production":
            return
        if self.programme_key.get_secret_value() == DEV_PROGRAMME_KEY:
            raise ValueError("CANTIERE_VAULT_KEY and CANTIERE_PROGRAMME_KEY must be set in production")
        self.check_vault_keys()

    def check_vault_keys(self) -> None:
        """Refuse a malformed keyring, and in production a development key or a key two municipalities share."""
        for code in self.serves:
            keyring_of(self.for_municipality(code))
        if self.environment != "production":
            return
        development = Keyring.from_settings(DEV_VAULT_KEY).fingerprints()
        if not self.municipalities:
            if keyring_of(self).fingerprints() & development:
                raise ValueError("CANTIERE_VAULT_KEY and CANTIERE_PROGRAMME_KEY must be set in production")
            return
        seen: set[str] = set(development)
        for code in self.municipalities:
            own = self.municipality.get(code_key(code))
            if own is None or own.vault_key is None or own.database_url is None:
                raise ValueError(
                    f"in production each municipality has its own vault key and database: set "
                    f"CANTIERE_MUNICIPALITY__{code.upper()}__VAULT_KEY and __DATABASE_URL"
                )
            keys = keyring_of(self.for_municipality(code)).fingerprints()
            if keys & seen:
                raise ValueError("each municipality needs its own vault key (not the development one, not shared)")
            seen |= keys

    def check_retention(self) -> None:
        """Refuse erasing by retention in production while the periods are still the placeholder defaults."""
        if self.environment == "production" and not ("retention" in self.model_fields_set and self.retention.explicit):
            raise ValueError(
                "In produzione i periodi di conservazione vanno impostati dal responsabile della protezione dei dati "
                "(CANTIERE_RETENTION__AFTER_REFERRAL_ENDED_DAYS, CANTIERE_RETENTION__NEVER_REFERRED_DAYS) / "
                "in production the retention periods must be set by the data protection officer"
            )


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def keyring_of(settings: Settings) -> Keyring:
    """The vault's keyring: the current key (new writes) and the older ones (reading until re-encrypted)."""
    old = settings.vault_old_keys.get_secret_value() if settings.vault_old_keys else None
    return Keyring.from_settings(settings.vault_key.get_secret_value(), settings.vault_key_id, old)


def build_vault(settings: Settings) -> Vault:
    """The vault with the configured keyring."""
    return Vault(keyring_of(settings))


def build_runtime(settings: Settings, *, follow_consortium: bool = True, project: bool = True) -> ServiceRuntime:
    """The service runtime (database, NATS, relay, projectors) for these settings.

    ``project=False`` leaves the read models to the running service (a one-off command beside it).
    """
    from cantiere_referrals.projections import consortium_subscriptions, local_projections

    subscriptions = consortium_subscriptions(settings.partner) if follow_consortium else []
    return ServiceRuntime(
        name=SERVICE,
        settings=settings,
        registry=REGISTRY,
        components=(COMPONENT,),
        local_projections=local_projections() if project else (),
        subscriptions=subscriptions,
    )


def build_referrals(settings: Settings, runtime: ServiceRuntime) -> Referrals:
    """The handlers on a started runtime."""
    keys = Keys(
        settings.programme_key.get_secret_value().encode(), settings.programme_key_id, settings.typed_link_tokens
    )
    return Referrals(
        runtime.engine,
        runtime.store,
        build_vault(settings),
        keys,
        settings.partner,
        runtime.commands,
        districts=districts_of(settings),
        clock=runtime.clock,
    )


def districts_of(settings: Settings) -> frozenset[str] | None:
    """The districts of this municipality in its territory (None when the territory does not list it)."""
    try:
        territory = (
            load_territory(settings.territory_file)
            if settings.territory_file
            else territory_by_code(settings.territory)
        )
        return frozenset(d.code for d in territory.municipality(settings.partner).districts)
    except TerritoryError:
        return None
