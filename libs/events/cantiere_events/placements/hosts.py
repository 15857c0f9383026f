"""Hosts (phase 3): the companies that take interns, as the consortium registers and manages them."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from cantiere_events.codes import HostSuspensionReason
from cantiere_events.common import HostDeclarations
from cantiere_events.placements.base import HostEvent
from cantiere_events.values import DistrictCode, MunicipalityCode, SectorCode, TutorId, VatNumber


class HostRegistered(HostEvent):
    """A host company site joined the programme with its declarations (placements)."""

    event_type = "HostRegistered"
    vat_number: VatNumber
    site_municipality: MunicipalityCode
    site_district: DistrictCode | None = None
    sector_code: SectorCode
    permanent_headcount: int = Field(ge=0, le=1_000_000)
    declarations: HostDeclarations
    registered_on: date


class HostTutorAssigned(HostEvent):
    """A company tutor was assigned to a host site; the tutor's name stays in the placements vault (placements)."""

    event_type = "HostTutorAssigned"
    tutor_id: TutorId
    assigned_on: date


class HostSuspended(HostEvent):
    """The consortium stopped placing people at a host, with a reason code (placements)."""

    event_type = "HostSuspended"
    reason: HostSuspensionReason
    suspended_on: date


class HostReinstated(HostEvent):
    """A suspended host may take interns again (placements)."""

    event_type = "HostReinstated"
    reinstated_on: date
