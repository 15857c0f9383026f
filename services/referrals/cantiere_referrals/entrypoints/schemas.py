"""Bodies and answers of the HTTP API: personal data in, pseudonymous files and views out."""

from __future__ import annotations

from typing import Any

from cantiere_events.codes import Availability, CareNeed, EducationLevel, Language
from cantiere_events.common import HourWindow
from cantiere_events.values import DistrictCode, MunicipalityCode, SectorCode, WeeklyHours
from pydantic import BaseModel, ConfigDict, Field

from cantiere_referrals.adapters.vault import PersonalData
from cantiere_referrals.domain.person import Person


class Body(BaseModel):
    """A request body: unknown fields are refused, values are never echoed in errors."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Profile(Body):
    """What the consortium may learn about the person, besides age band and gender (the contract's limits, so
    a profile the ``CandidateProfile`` of the referral would refuse is refused here with a 422)."""

    education_level: EducationLevel = EducationLevel.NOT_KNOWN
    languages: tuple[Language, ...] = Field(default=(), max_length=20)
    availability: tuple[Availability, ...] = Field(default=(), max_length=10)
    preferred_sectors: tuple[SectorCode, ...] = Field(default=(), max_length=20)
    care_needs: tuple[CareNeed, ...] = Field(default=(), max_length=10)


class RegisterPersonBody(Body):
    """A new person: identity (goes to the vault), district, and profile."""

    personal_data: PersonalData
    district: DistrictCode | None = None
    profile: Profile = Profile()


class SafetyConstraintsBody(Body):
    """The complete safety constraints; people to keep apart are given by tax code and kept only as tokens."""

    excluded_municipalities: tuple[MunicipalityCode, ...] = Field(default=(), max_length=100)
    excluded_hosts: tuple[str, ...] = Field(default=(), max_length=100, description="VAT numbers (partita IVA)")
    keep_apart_tax_codes: tuple[str, ...] = Field(default=(), max_length=50)
    hour_windows: tuple[HourWindow, ...] = ()
    max_hours_per_week: WeeklyHours | None = None


class Created(BaseModel):
    """The id of what was created."""

    id: str


class PersonFile(BaseModel):
    """A person's file without identity: profile, consents, eligibility, referral."""

    person_id: str
    municipality: str
    district: str | None
    social_worker_id: str
    profile: dict[str, Any]
    consents: list[str]
    eligibility: dict[str, str] | None
    has_safety_constraints: bool
    referral_id: str | None
    referral_status: str | None
    erased: bool

    @classmethod
    def of(cls, p: Person) -> PersonFile:
        return cls(
            person_id=p.person_id,
            municipality=p.municipality,
            district=p.district,
            social_worker_id=p.social_worker_id,
            profile=p.profile.model_dump(mode="json"),
            consents=sorted(s.value for s in p.consents),
            eligibility={
                "category": p.eligibility.category.value,
                "referring_service": p.eligibility.referring_service.value,
            }
            if p.eligibility
            else None,
            has_safety_constraints=p.constraints is not None,
            referral_id=p.referral_id,
            referral_status=p.referral_status,
            erased=p.erased,
        )


class PersonWithIdentity(BaseModel):
    """An audited read: the file and, unless erased, the personal data."""

    file: PersonFile
    personal_data: PersonalData | None
