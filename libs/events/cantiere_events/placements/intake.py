"""Intake (phase 2): the consortium accepts or declines a referral and gets to know the person."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from cantiere_events.codes import DeclineReason
from cantiere_events.placements.base import PlacementsEvent
from cantiere_events.values import DistrictCode, EscoConcept, MunicipalityCode, ProgrammeCode


class ReferralAccepted(PlacementsEvent):
    """The consortium took a referred person into the programme (placements)."""

    event_type = "ReferralAccepted"
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    accepted_on: date


class ReferralDeclined(PlacementsEvent):
    """The consortium declined a referral, with a reason code (placements)."""

    event_type = "ReferralDeclined"
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    reason: DeclineReason
    declined_on: date


class IntakeInterviewHeld(PlacementsEvent):
    """A placement operator held the intake interview with the person (placements)."""

    event_type = "IntakeInterviewHeld"
    held_on: date


class SkillsAssessed(PlacementsEvent):
    """The person's skills were assessed: ESCO skills and programme competence codes, no notes (placements)."""

    event_type = "SkillsAssessed"
    esco_skills: tuple[EscoConcept, ...] = Field(default=(), max_length=100)
    competence_codes: tuple[ProgrammeCode, ...] = Field(default=(), max_length=100)
    assessed_on: date
