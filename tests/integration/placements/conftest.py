"""Fixtures of the placements integration tests."""

from collections.abc import AsyncIterator

import pytest_asyncio

from .fakes import HANDLERS
from .harness import service, service_on_each_database

__all__ = ["close_handlers", "service", "service_on_each_database"]


@pytest_asyncio.fixture(autouse=True)
async def close_handlers() -> AsyncIterator[None]:
    """Close the command handlers a test built (their SQLite writer connections), as a stopping service does."""
    yield
    while HANDLERS:
        await HANDLERS.pop().close()
