"""The one place that wires the monitoring service: settings, registry, runtime."""

from __future__ import annotations

from cantiere_events import EventRegistry
from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.settings import ServiceSettings

SERVICE = "monitoring"
DEFAULT_PORT = 8200


class Settings(ServiceSettings):
    """Settings of the monitoring service."""

    http_port: int = DEFAULT_PORT


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def build_runtime(settings: Settings) -> ServiceRuntime:
    """The service runtime (database, NATS, relay, projectors) for these settings."""
    return ServiceRuntime(name=SERVICE, settings=settings, registry=EventRegistry(SERVICE))
