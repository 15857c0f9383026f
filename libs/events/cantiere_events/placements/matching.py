"""Matching (phase 3): a placement is proposed, checked for safety and accepted or turned down."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from cantiere_events.base import Audience
from cantiere_events.codes import PlacementParty, PlacementRefusalCheck, PlacementRejectionReason
from cantiere_events.placements.base import PlacementEvent
from cantiere_events.values import MunicipalityCode, SectorCode


class PlacementProposed(PlacementEvent):
    """The consortium proposed a placement of a person at a host (placements)."""

    event_type = "PlacementProposed"
    site_municipality: MunicipalityCode
    sector_code: SectorCode
    proposed_on: date


class PlacementSafetyCleared(PlacementEvent):
    """The referring municipality's yes or no to a placement, as the consortium received it (placements, restricted).

    The question travels as NATS request/reply; no answer is recorded as
    ``cleared=False``. The reason of a no never leaves the municipality.
    """

    audience: ClassVar[Audience] = Audience.RESTRICTED
    event_type = "PlacementSafetyCleared"
    cleared: bool


class PlacementRefused(PlacementEvent):
    """A safety or capacity check refused a placement, naming the failed check only (placements, restricted).

    Restricted because even the name of a check (``keep_apart``) hints at a
    person's story: monitoring does not see it.
    """

    audience: ClassVar[Audience] = Audience.RESTRICTED
    event_type = "PlacementRefused"
    failed_check: PlacementRefusalCheck


class PlacementAcceptedByPerson(PlacementEvent):
    """The person accepted a proposed placement (placements)."""

    event_type = "PlacementAcceptedByPerson"
    accepted_on: date


class PlacementAcceptedByHost(PlacementEvent):
    """The host accepted a proposed placement (placements)."""

    event_type = "PlacementAcceptedByHost"
    accepted_on: date


class PlacementRejected(PlacementEvent):
    """A proposed placement was turned down, by whom and with a reason code (placements)."""

    event_type = "PlacementRejected"
    rejected_by: PlacementParty
    reason: PlacementRejectionReason
    rejected_on: date
