"""The one place that wires the placements service: settings, registry, runtime, projections, handlers."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path

from cantiere_events.contract import PUBLIC
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.migrate import Component
from cantiere_runtime.projector import LocalProjector
from cantiere_runtime.service import ServiceRuntime, StreamSubscription
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.territory import Territory, load_territory, territory_by_code
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
DEV_VAULT_SECRET = "placements-development-only-vault-secret"  # noqa: S105 - refused in production
COMPONENT = Component(SERVICE, Path(__file__).parent / "migrations" / "versions", metadata)


class Settings(ServiceSettings):
    """Settings of the placements service (its partner is the consortium's code)."""

    http_port: int = DEFAULT_PORT
    partner: str = "ati-cantiere"
    clearance_timeout_seconds: float = 2.0
    vault_secret: SecretStr = SecretStr(DEV_VAULT_SECRET)

    def check_production(self) -> None:
        """Refuse to run in production with a development secret."""
        super().check_production()
        if self.environment == "production" and self.vault_secret.get_secret_value() == DEV_VAULT_SECRET:
            raise ValueError("CANTIERE_VAULT_SECRET must be set in production: the development secret is public")


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def territory_of(settings: Settings) -> Territory:
    """The territory configuration this instance serves."""
    return load_territory(settings.territory_file) if settings.territory_file else territory_by_code(settings.territory)


def intake_subscriptions(partner: str) -> list[StreamSubscription]:
    """The referrals events the consortium follows, public and restricted (deploy/nats grants these durables)."""
    return [
        StreamSubscription(
            ReferralIntake("referral_intake_public", partner),
            PUBLIC_STREAM.name,
            PUBLIC_SUBJECTS,
            f"{SERVICE}-{partner}-intake-public",
            PUBLIC,
        ),
        StreamSubscription(
            ReferralIntake("referral_intake_restricted", partner),
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
    return ServiceRuntime(
        name=SERVICE,
        settings=settings,
        registry=REGISTRY,
        components=(COMPONENT,),
        local_projections=view_projections(),
        subscriptions=intake_subscriptions(settings.partner),
    )


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
    placements = Placements(runtime.store, territory_of(settings), settings.partner, referrals, runtime.committed)
    # The runtime's own projector: one projector (one lock) keeps the views, in the background and before reads.
    views = runtime.local_projector
    assert views is not None, "the runtime must be started with the views as local projections"
    return Wiring(placements, views, FirstNameVault(settings.vault_secret.get_secret_value()))
