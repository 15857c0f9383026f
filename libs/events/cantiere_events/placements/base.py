"""The bases of the consortium's events: about a person, a placement, an internship or a host."""

from __future__ import annotations

from typing import ClassVar

from cantiere_events.base import Producer, PublicEvent
from cantiere_events.common import PersonEvent
from cantiere_events.values import HostId, InternshipId, PlacementId


class PlacementsEvent(PersonEvent):
    """An event about a person that the placements service publishes (partner: the referring municipality)."""

    producer: ClassVar[Producer | None] = Producer.PLACEMENTS


class PlacementEvent(PlacementsEvent):
    """An event about one placement proposal of a person at a host."""

    placement_id: PlacementId
    host_id: HostId


class InternshipEvent(PlacementsEvent):
    """An event about one internship of a person."""

    internship_id: InternshipId


class HostEvent(PublicEvent):
    """An event about a host company site that the placements service publishes (partner: the consortium)."""

    producer: ClassVar[Producer | None] = Producer.PLACEMENTS
    host_id: HostId
