"""Orders a social worker gives about a person; ids and tokens are made by the caller, so the domain stays pure."""

from __future__ import annotations

from datetime import date

from cantiere_events.codes import (
    Availability,
    CareNeed,
    ClosureReason,
    ConsentScope,
    EducationLevel,
    EligibilityCategory,
    ErasureBasis,
    Gender,
    Language,
    LegalBasis,
    ReferralWithdrawalReason,
    ReferringService,
)
from cantiere_events.common import HourWindow
from cantiere_events.values import (
    DistrictCode,
    FormVersion,
    KeepApartToken,
    KeyId,
    MunicipalityCode,
    PersonId,
    ReferralId,
    SectorCode,
    WeeklyHours,
)
from pydantic import BaseModel, ConfigDict, Field


class Command(BaseModel):
    """An order about one person."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class RegisterPerson(Command):
    """Open a person's file: the birth date is used for the age band only (it stays in the vault)."""

    person_id: PersonId
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    social_worker_id: str = Field(max_length=64)
    birth_date: date
    gender: Gender
    education_level: EducationLevel = EducationLevel.NOT_KNOWN
    languages: tuple[Language, ...] = ()
    availability: tuple[Availability, ...] = ()
    preferred_sectors: tuple[SectorCode, ...] = ()
    care_needs: tuple[CareNeed, ...] = ()
    own_token: KeepApartToken | None = None
    key_id: KeyId | None = None
    own_aliases: tuple[KeepApartToken, ...] = ()


class ReissueOwnToken(Command):
    """Make the person's own token again (canonical form and aliases), e.g. after the token scheme changed."""

    own_token: KeepApartToken
    key_id: KeyId
    own_aliases: tuple[KeepApartToken, ...] = ()


class RecordConsent(Command):
    """Record the person's consent (or another legal basis) for one scope."""

    scope: ConsentScope
    legal_basis: LegalBasis = LegalBasis.CONSENT
    form_version: FormVersion
    given_on: date | None = None  # defaults to today


class WithdrawConsent(Command):
    """Record that the person withdrew the consent for one scope."""

    scope: ConsentScope


class ConfirmEligibility(Command):
    """Confirm the person may enter the programme."""

    taken_into_care_on: date
    category: EligibilityCategory
    referring_service: ReferringService


class RecordSafetyConstraints(Command):
    """Replace the person's safety constraints; keep-apart people arrive as tokens, never as tax codes."""

    excluded_municipalities: tuple[MunicipalityCode, ...] = ()
    excluded_hosts: tuple[str, ...] = ()  # VAT numbers, checked by the domain
    keep_apart_tokens: tuple[KeepApartToken, ...] = ()
    key_id: KeyId | None = None
    hour_windows: tuple[HourWindow, ...] = ()
    max_hours_per_week: WeeklyHours | None = None


class SubmitReferral(Command):
    """Refer the person to the consortium; the birth date, if given, refreshes the age band."""

    referral_id: ReferralId
    birth_date: date | None = None


class WithdrawReferral(Command):
    """Withdraw the open referral."""

    reason: ReferralWithdrawalReason


class CloseReferral(Command):
    """Close the open referral (a reopening is a new referral)."""

    reason: ClosureReason


class ErasePersonalData(Command):
    """Erase the person's personal data (GDPR art. 17)."""

    basis: ErasureBasis
