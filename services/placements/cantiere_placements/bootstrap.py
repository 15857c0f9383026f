"""The one place that wires the placements service: settings, registry, runtime, projections, handlers."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cantiere_events.contract import PUBLIC
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.migrate import Component
from cantiere_runtime.projector import LocalProjector
from cantiere_runtime.service import ServiceRuntime, StreamSubscription
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.territory import Territory, load_territory, territory_by_code
from cantiere_runtime.unit_of_work import CommandHandler
from cantiere_runtime.vault import LEGACY_KEY_ID, Keyring, legacy_secret_key
from pydantic import SecretStr

from cantiere_placements.adapters.intake import PUBLIC_SUBJECTS, RESTRICTED_SUBJECTS, ReferralIntake
from cantiere_placements.adapters.referrals_gateway import NatsReferralsGateway, ReferralsGateway
from cantiere_placements.adapters.tables import metadata
from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.adapters.views import PlacementViews
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.handlers import Placements

SERVICE = "placements"
DEFAULT_PORT = 8100
# Development only, refused in production: the vault key, and the secret the vault used before key ids (so a
# development database written then still opens).
DEV_VAULT_KEY = base64.b64encode(b"placements-dev-vault-key-32bytes").decode()
DEV_VAULT_SECRET = "placements-development-only-vault-secret"  # noqa: S105
COMPONENT = Component(SERVICE, Path(__file__).parent / "migrations" / "versions", metadata)


class Settings(ServiceSettings):
    """Settings of the placements service (its partner is the consortium's code)."""

    http_port: int = DEFAULT_PORT
    partner: str = "ati-cantiere"
    clearance_timeout_seconds: float = 2.0
    vault_key: SecretStr = SecretStr(DEV_VAULT_KEY)  # base64 of 32 bytes (AES-256-GCM), or "<id>:<base64>"
    vault_key_id: str = "v1"  # the id of a vault key written without one
    vault_old_keys: SecretStr | None = None  # older keys, reading only: JSON {"<id>": "<base64>"}
    # Before key ids the vault key was derived from this secret: it still opens those rows (key id "legacy")
    # until `vault reencrypt` has moved them, then it may go.
    vault_secret: SecretStr | None = None

    def check_production(self) -> None:
        """Refuse to run in production with a development key (or without sign-in fit for production)."""
        super().check_production()
        self.check_vault_keys()

    def check_vault_keys(self) -> None:
        """Refuse a malformed keyring, and in production one holding a development key."""
        keyring_of(self)
        if self.environment != "production":
            return
        development = Keyring.from_settings(DEV_VAULT_KEY, more={LEGACY_KEY_ID: legacy_secret_key(DEV_VAULT_SECRET)})
        if keyring_of(self).fingerprints() & development.fingerprints():
            raise ValueError(
                "CANTIERE_VAULT_KEY must be set in production: the development key is public "
                "(CANTIERE_VAULT_SECRET only reads what was written before key ids)"
            )


def keyring_of(settings: Settings) -> Keyring:
    """The vault's keyring: the current key, the older ones, and the pre-key-id secret's key while it is set."""
    legacy = settings.vault_secret.get_secret_value() if settings.vault_secret else None
    if legacy is None and settings.environment != "production":
        legacy = DEV_VAULT_SECRET
    more = {LEGACY_KEY_ID: legacy_secret_key(legacy)} if legacy else {}
    old = settings.vault_old_keys.get_secret_value() if settings.vault_old_keys else None
    return Keyring.from_settings(settings.vault_key.get_secret_value(), settings.vault_key_id, old, more)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def territory_of(settings: Settings) -> Territory:
    """The territory configuration this instance serves."""
    return load_territory(settings.territory_file) if settings.territory_file else territory_by_code(settings.territory)


def intake_subscriptions(
    partner: str, commands: Callable[[], CommandHandler] | None = None
) -> list[StreamSubscription]:
    """The referrals events the consortium follows, public and restricted (deploy/nats grants these durables).

    ``commands`` gives the service's one command handler, through which the intake receives the news.
    """
    return [
        StreamSubscription(
            ReferralIntake("referral_intake_public", partner, commands=commands),
            PUBLIC_STREAM.name,
            PUBLIC_SUBJECTS,
            f"{SERVICE}-{partner}-intake-public",
            PUBLIC,
        ),
        StreamSubscription(
            ReferralIntake("referral_intake_restricted", partner, commands=commands),
            RESTRICTED_STREAM.name,
            RESTRICTED_SUBJECTS,
            f"{SERVICE}-{partner}-intake-restricted",
            PUBLIC,
        ),
    ]


def view_projections() -> tuple[PlacementViews]:
    """The read models built from the service's own store (``rebuild`` replays these by default)."""
    return (PlacementViews(),)


def build_runtime(settings: Settings) -> ServiceRuntime:
    """The service runtime (database, NATS, relay, read models, referral intake from the bus) for these settings."""
    runtime = ServiceRuntime(
        name=SERVICE,
        settings=settings,
        registry=REGISTRY,
        components=(COMPONENT,),
        local_projections=view_projections(),
    )
    # The intake writes through the runtime's command handler, which exists once the runtime has started.
    runtime.subscriptions = intake_subscriptions(settings.partner, lambda: runtime.commands)
    return runtime


@dataclass
class Wiring:
    """What the entrypoints use: the command handlers and read models kept fresh before each read."""

    placements: Placements
    views: LocalProjector
    vault: FirstNameVault
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def fresh(self) -> None:
        """Bring the read models up to date with every committed command (one catch-up at a time)."""
        async with self._lock:
            await self.views.catch_up()


def wire(runtime: ServiceRuntime, settings: Settings, referrals: ReferralsGateway | None = None) -> Wiring:
    """Handlers and views over a started runtime (tests pass a fake referrals gateway)."""
    if referrals is None:
        assert runtime.nc is not None, "the runtime must be connected to NATS"
        referrals = NatsReferralsGateway(runtime.nc, settings.clearance_timeout_seconds)
    placements = Placements(runtime.store, territory_of(settings), settings.partner, referrals, runtime.commands)
    # The runtime's own projector: one projector (one lock) keeps the views, in the background and before reads.
    views = runtime.local_projector
    assert views is not None, "the runtime must be started with the views as local projections"
    return Wiring(placements, views, FirstNameVault(keyring_of(settings)))
