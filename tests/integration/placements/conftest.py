"""Fixtures of the placements integration tests."""

from .harness import service, service_on_each_database

__all__ = ["service", "service_on_each_database"]
