"""The one place that wires the monitoring service: settings, registry, runtime, territory and figures.

The service (`entrypoints/api.py`) and the operators' commands (`entrypoints/cli.py`) both take their figures
from here: the service over its runtime's engine, a command over an engine it opens and disposes of.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from cantiere_events.contract import PUBLIC
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import Component, migrate
from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.territory import Territory, load_territory, territory_by_code

from cantiere_monitoring.adapters.subscriptions import monitoring_subscriptions
from cantiere_monitoring.adapters.tables import metadata
from cantiere_monitoring.service_layer.figures import Figures

SERVICE = "monitoring"
DEFAULT_PORT = 8200
COMPONENT = Component(SERVICE, Path(__file__).parent / "migrations" / "versions", metadata)


class Settings(ServiceSettings):
    """Settings of the monitoring service."""

    http_port: int = DEFAULT_PORT


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def load_settings_territory(settings: ServiceSettings) -> Territory:
    """The territory of these settings: its file when given, else the shipped one by code."""
    return load_territory(settings.territory_file) if settings.territory_file else territory_by_code(settings.territory)


def build_runtime(settings: Settings) -> ServiceRuntime:
    """The service runtime: database with the monitoring read models, NATS, one projector per projection."""
    return ServiceRuntime(
        name=SERVICE,
        settings=settings,
        registry=PUBLIC,
        components=(COMPONENT,),
        subscriptions=monitoring_subscriptions(load_settings_territory(settings).partners.monitoring.code),
    )


def today() -> date:
    """The clock of the reports (the day a Masterplan is generated), in UTC."""
    return datetime.now(UTC).date()


def service_figures(runtime: ServiceRuntime, territory: Territory) -> Figures:
    """The figures the running service publishes, over its runtime's database."""
    return Figures(runtime.engine, territory)


@asynccontextmanager
async def command_figures(settings: Settings) -> AsyncIterator[Figures]:
    """The figures of the settings' database and territory for a command run beside (or without) the service:
    the read models migrated, the engine disposed of afterwards."""
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine, COMPONENT)
        yield Figures(engine, load_settings_territory(settings))
    finally:
        await engine.dispose()
