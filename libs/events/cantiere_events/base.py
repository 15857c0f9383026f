"""The base of every event: an immutable pydantic model with a stable type name and version."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

TYPE_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,63}$")


class Audience(StrEnum):
    """Who may read an event on the bus."""

    PUBLIC = "public"  # every partner, monitoring included
    RESTRICTED = "restricted"  # only the consortium and the referring municipality
    PRIVATE = "private"  # never leaves the producing service


class Producer(StrEnum):
    """The service that emits an event."""

    REFERRALS = "referrals"
    PLACEMENTS = "placements"
    MONITORING = "monitoring"


class Event(BaseModel):
    """A fact that happened: frozen, with a stable type name and schema version as class data.

    Subclasses set ``event_type`` (a stable name, never a Python path) and
    ``event_version``; public events also set ``audience`` and ``producer``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    event_version: ClassVar[int] = 1
    audience: ClassVar[Audience] = Audience.PRIVATE
    producer: ClassVar[Producer | None] = None

    @classmethod
    def description(cls) -> str:
        """The first line of the class docstring: what happened and who emits it."""
        return (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""


class PublicEvent(Event):
    """An event of the public contract: it may cross the bus to other partners."""

    audience: ClassVar[Audience] = Audience.PUBLIC
