"""The one place that wires the placements service: settings, registry, runtime."""

from __future__ import annotations

from cantiere_events import EventRegistry
from cantiere_runtime.service import ServiceRuntime
from cantiere_runtime.settings import ServiceSettings

SERVICE = "placements"
DEFAULT_PORT = 8100


class Settings(ServiceSettings):
    """Settings of the placements service."""

    http_port: int = DEFAULT_PORT


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and CANTIERE_SETTINGS_FILE), with explicit overrides."""
    return Settings(**overrides)  # type: ignore[arg-type]


def build_runtime(settings: Settings) -> ServiceRuntime:
    """The service runtime (database, NATS, relay, projectors) for these settings."""
    return ServiceRuntime(name=SERVICE, settings=settings, registry=EventRegistry(SERVICE))
