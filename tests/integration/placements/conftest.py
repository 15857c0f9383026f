"""Fixtures of the placements integration tests."""

from .harness import service

__all__ = ["service"]
