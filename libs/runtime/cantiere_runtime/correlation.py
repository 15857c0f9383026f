"""The correlation id of the request (or message) being handled: taken at the edge, carried into the events it causes.

An id from outside (``X-Request-ID`` / ``X-Correlation-ID``) is accepted only as a UUID: anything else is
replaced by a new one, so a caller cannot put free text (a name, a tax code) into logs and event metadata.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from cantiere_events import uuid7

HEADERS = ("x-request-id", "x-correlation-id")  # the first one present and well formed wins

_UUID = re.compile(r"^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$", re.IGNORECASE)
_current: ContextVar[uuid.UUID | None] = ContextVar("cantiere_correlation_id", default=None)


def parse(value: str | None) -> uuid.UUID | None:
    """A caller's correlation id if it is a UUID (36 or 32 hex characters, not the nil UUID), else None."""
    if not value or len(value) > 36 or not _UUID.match(value):
        return None
    parsed = uuid.UUID(value)
    return parsed if parsed.int else None


def from_headers(headers: object) -> uuid.UUID:
    """The first well-formed id among the request's correlation headers, or a new one."""
    get = getattr(headers, "get", None)
    for name in HEADERS:
        found = parse(get(name)) if get else None
        if found is not None:
            return found
    return uuid7()


def current() -> uuid.UUID:
    """The correlation id of what is being handled, or a new one when nothing is (a CLI, a background job)."""
    return _current.get() or uuid7()


@contextmanager
def correlated(correlation_id: uuid.UUID) -> Iterator[None]:
    """Commands given inside the block carry this correlation id in their events' metadata."""
    token = _current.set(correlation_id)
    try:
        yield
    finally:
        _current.reset(token)
