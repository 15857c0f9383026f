"""The one place that wires the monitoring service: settings, registry, runtime, territory and figures."""

from __future__ import annotations

from pathlib import Path

from cantiere_events.contract import PUBLIC
from cantiere_runtime.migrate import Component
from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.settings import ServiceSettings
from cantiere_runtime.territory import Territory, load_territory, territory_by_code

from cantiere_monitoring.adapters.subscriptions import monitoring_subscriptions
from cantiere_monitoring.adapters.tables import metadata

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
