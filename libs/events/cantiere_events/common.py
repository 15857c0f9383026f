"""Building blocks of the contract's events: the person reference and the small value objects they carry."""

from __future__ import annotations

from datetime import time

from pydantic import BaseModel, ConfigDict, Field, model_validator

from cantiere_events.base import PublicEvent
from cantiere_events.codes import AgeBand, Availability, CareNeed, EducationLevel, Gender, Language, Weekday
from cantiere_events.values import PersonId, ReferralId, SectorCode


class Value(BaseModel):
    """An immutable value carried inside an event."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class PersonEvent(PublicEvent):
    """An event about one referred person: it carries the person's and the referral's pseudonymous ids.

    Whoever emits it publishes it with the referring municipality as ``partner``,
    so each municipality subscribes to exactly its own people.
    """

    person_id: PersonId
    referral_id: ReferralId


class CandidateProfile(Value):
    """The pseudonymous profile of a referred person: bands and codes only."""

    age_band: AgeBand
    gender: Gender
    education_level: EducationLevel
    languages: tuple[Language, ...] = Field(default=(), max_length=20)
    availability: tuple[Availability, ...] = Field(default=(), max_length=10)
    preferred_sectors: tuple[SectorCode, ...] = Field(default=(), max_length=20)
    care_needs: tuple[CareNeed, ...] = Field(default=(), max_length=10)


class HourWindow(Value):
    """Hours of the day, on some weekdays, in which a person may be at a placement (local time, Europe/Rome)."""

    days: tuple[Weekday, ...] = Field(min_length=1, max_length=7)
    start: time
    end: time

    @model_validator(mode="after")
    def _starts_before_it_ends(self) -> HourWindow:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("an hour window is in local wall-clock time, without a time zone")
        if self.start >= self.end:
            raise ValueError("an hour window must start before it ends")
        return self


class HostDeclarations(Value):
    """What a host declared when it registered (the regional rules' conditions for hosting interns)."""

    no_layoffs_last_12_months: bool
    safety_law_compliant: bool  # D.Lgs. 81/2008
    disability_quota_compliant: bool  # L. 68/1999
    collective_agreement_applied: bool
