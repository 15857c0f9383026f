"""Private events of a host site and its places (phase 3)."""

from __future__ import annotations

from datetime import date

from cantiere_events import Event
from cantiere_events.codes import (
    HostSuspensionReason,
    PlacementRefusalCheck,
)
from cantiere_events.common import HostDeclarations

from cantiere_placements.domain.registry import REGISTRY


# --- hosts (phase 3) --------------------------------------------------------------------------------------
@REGISTRY.register
class HostRegistered(Event):
    """A host company site joined the programme (soggetto ospitante)."""

    event_type = "HostRegistered"
    host_id: str
    vat_number: str
    site_municipality: str
    sector_code: str  # ATECO
    permanent_headcount: int
    declarations: HostDeclarations
    registered_on: date
    company_name: str | None = None  # private to the consortium: never published
    site_address: str | None = None  # private to the consortium: never published (where a person works)


@REGISTRY.register
class HostTutorAssigned(Event):
    """A company tutor (tutor aziendale) was assigned to the host."""

    event_type = "HostTutorAssigned"
    tutor_id: str


@REGISTRY.register
class HostSuspended(Event):
    """The consortium stopped placing people at the host."""

    event_type = "HostSuspended"
    reason: HostSuspensionReason
    suspended_on: date


@REGISTRY.register
class HostReinstated(Event):
    """The host may receive interns again."""

    event_type = "HostReinstated"
    reinstated_on: date


@REGISTRY.register
class HostPlaceReserved(Event):
    """A place at the host was reserved for a placement, after every safety check passed."""

    event_type = "HostPlaceReserved"
    placement_id: str
    person_id: str
    own_token: str | None = None
    keep_apart_tokens: tuple[str, ...] = ()
    own_aliases: tuple[str, ...] = ()


@REGISTRY.register
class HostPlaceRefused(Event):
    """A placement at the host was refused; only the name of the failed check is kept."""

    event_type = "HostPlaceRefused"
    person_id: str
    check: PlacementRefusalCheck


@REGISTRY.register
class HostPlaceReleased(Event):
    """A placement at the host ended (rejected, interrupted, completed): the place is free."""

    event_type = "HostPlaceReleased"
    placement_id: str
