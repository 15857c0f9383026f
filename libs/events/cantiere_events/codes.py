"""Vocabularies every partner reads the same way: scopes, categories, reasons, outcomes.

Values are stable lowercase snake_case strings: they are stored in every event log
and read by every partner, so a value is never renamed or reused for another
meaning. Add members freely; removing or renaming one is an incompatible change.
Free text never travels on the bus: when none of the reasons fits, use ``other``.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Annotated

from pydantic import Field

Language = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="an ISO 639-1 language code, e.g. 'it'")]


class ConsentScope(StrEnum):
    """What a person agreed that their data may be used for (recorded by the referring municipality)."""

    SHARE_WITH_CONSORTIUM = "share_with_consortium"
    SHARE_CONTACT_DETAILS = "share_contact_details"
    SHARE_WITH_EMPLOYMENT_CENTRE = "share_with_employment_centre"
    MINIMAL_DATA_TO_HOST = "minimal_data_to_host"
    AGGREGATE_STATISTICS = "aggregate_statistics"


class LegalBasis(StrEnum):
    """The GDPR art. 6 legal basis of a processing."""

    CONSENT = "consent"
    LEGAL_OBLIGATION = "legal_obligation"
    PUBLIC_TASK = "public_task"
    VITAL_INTEREST = "vital_interest"


class EligibilityCategory(StrEnum):
    """Why a person is eligible for the programme."""

    GENDER_BASED_VIOLENCE = "gender_based_violence"
    DOMESTIC_VIOLENCE = "domestic_violence"
    SEXUAL_VIOLENCE = "sexual_violence"
    TRAFFICKING = "trafficking"
    STALKING = "stalking"
    WITNESSED_VIOLENCE = "witnessed_violence"  # violenza assistita (minors)
    AUTHOR_OF_VIOLENCE = "author_of_violence"  # admitted only in exceptional cases
    OTHER_VULNERABILITY = "other_vulnerability"


class ReferringService(StrEnum):
    """The service that signalled the person to the municipal social services."""

    ANTI_VIOLENCE_CENTRE = "anti_violence_centre"
    SHELTER = "shelter"  # casa rifugio
    UEPE = "uepe"  # Ufficio di esecuzione penale esterna (adults)
    USSM = "ussm"  # Ufficio di servizio sociale per i minorenni
    SOCIAL_SERVICES = "social_services"
    HEALTH_SERVICES = "health_services"
    LAW_ENFORCEMENT = "law_enforcement"
    EMPLOYMENT_CENTRE = "employment_centre"
    THIRD_SECTOR = "third_sector"
    OTHER = "other"


class Gender(StrEnum):
    """The gender a person declared."""

    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    NOT_STATED = "not_stated"


class AgeBand(StrEnum):
    """A person's age band at referral: the only age that travels on the bus."""

    UNDER_18 = "under_18"
    FROM_18_TO_24 = "18_24"
    FROM_25_TO_34 = "25_34"
    FROM_35_TO_44 = "35_44"
    FROM_45_TO_54 = "45_54"
    FROM_55_TO_64 = "55_64"
    FROM_65 = "65_plus"

    @classmethod
    def for_age(cls, age: int) -> AgeBand:
        """The band of an age in whole years."""
        if age < 0:
            raise ValueError(f"an age cannot be negative ({age})")
        upper_limits = (18, 25, 35, 45, 55, 65)  # exclusive upper bound of each band but the last
        return next((band for limit, band in zip(upper_limits, cls, strict=False) if age < limit), cls.FROM_65)


class EducationLevel(StrEnum):
    """Highest education completed, in ISCED 2011 bands."""

    NONE = "none"  # ISCED 0: less than primary
    PRIMARY = "primary"  # ISCED 1: licenza elementare
    LOWER_SECONDARY = "lower_secondary"  # ISCED 2: licenza media
    UPPER_SECONDARY = "upper_secondary"  # ISCED 3: diploma, qualifica professionale
    POST_SECONDARY = "post_secondary"  # ISCED 4: IFTS
    SHORT_TERTIARY = "short_tertiary"  # ISCED 5: ITS
    BACHELOR = "bachelor"  # ISCED 6: laurea triennale
    MASTER = "master"  # ISCED 7: laurea magistrale
    DOCTORATE = "doctorate"  # ISCED 8
    NOT_KNOWN = "not_known"


class Availability(StrEnum):
    """When a person can work."""

    MORNINGS = "mornings"
    AFTERNOONS = "afternoons"
    EVENINGS = "evenings"
    WEEKENDS = "weekends"
    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class CareNeed(StrEnum):
    """Care responsibilities a placement must fit around."""

    NONE = "none"
    CHILDCARE = "childcare"
    ELDER_CARE = "elder_care"
    DISABILITY_CARE = "disability_care"
    OTHER_FAMILY_CARE = "other_family_care"


class ReferralWithdrawalReason(StrEnum):
    """Why the referring municipality withdrew a referral."""

    PERSON_REQUEST = "person_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_LONGER_ELIGIBLE = "no_longer_eligible"
    MOVED_AWAY = "moved_away"
    OTHER_PROGRAMME = "other_programme"
    SAFETY = "safety"
    OTHER = "other"


class DeclineReason(StrEnum):
    """Why the consortium declined a referral."""

    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE_REFERRAL = "incomplete_referral"
    CONSENT_MISSING = "consent_missing"
    DUPLICATE_REFERRAL = "duplicate_referral"
    PROGRAMME_FULL = "programme_full"
    NO_SUITABLE_HOST = "no_suitable_host"
    SAFETY_NOT_GUARANTEED = "safety_not_guaranteed"
    PERSON_NOT_AVAILABLE = "person_not_available"
    OTHER = "other"


class PlacementRefusalCheck(StrEnum):
    """The name of the check that refused a placement: never the protected reason behind it."""

    HOST_INACTIVE = "host_inactive"
    HOST_AT_CAPACITY = "host_at_capacity"
    EXCLUDED_MUNICIPALITY = "excluded_municipality"
    EXCLUDED_HOST = "excluded_host"
    KEEP_APART = "keep_apart"
    HOURS_DO_NOT_FIT = "hours_do_not_fit"
    CLEARANCE_DENIED = "clearance_denied"  # includes no answer: exclusions fail closed


class PlacementParty(StrEnum):
    """Who turned a proposed placement down."""

    PERSON = "person"
    HOST = "host"
    CONSORTIUM = "consortium"
    REFERRING_MUNICIPALITY = "referring_municipality"


class PlacementRejectionReason(StrEnum):
    """Why a proposed placement was turned down."""

    SCHEDULE_DOES_NOT_FIT = "schedule_does_not_fit"
    TRAVEL_TOO_LONG = "travel_too_long"
    ROLE_NOT_SUITABLE = "role_not_suitable"
    SKILLS_MISMATCH = "skills_mismatch"
    CARE_NEEDS_CONFLICT = "care_needs_conflict"
    HOST_NO_LONGER_AVAILABLE = "host_no_longer_available"
    PERSON_NO_LONGER_AVAILABLE = "person_no_longer_available"
    OTHER = "other"


class HostSuspensionReason(StrEnum):
    """Why the consortium stopped placing people at a host."""

    COMPLIANCE_LAPSED = "compliance_lapsed"
    SAFETY_CONCERN = "safety_concern"
    HOST_REQUEST = "host_request"
    UNDER_REVIEW = "under_review"
    BUSINESS_CLOSED = "business_closed"
    OTHER = "other"


class SuspensionReason(StrEnum):
    """Why a running internship was suspended."""

    MATERNITY = "maternity"
    ILLNESS = "illness"
    INJURY = "injury"
    HOST_CLOSURE = "host_closure"
    SAFETY = "safety"
    PERSONAL = "personal"
    OTHER = "other"


class InterruptionReason(StrEnum):
    """Why an internship ended before its planned end."""

    EMPLOYMENT_FOUND = "employment_found"
    PERSON_CHOICE = "person_choice"
    HEALTH = "health"
    SAFETY = "safety"
    MOVED_AWAY = "moved_away"
    EXCESSIVE_ABSENCE = "excessive_absence"
    HOST_CLOSURE = "host_closure"
    HOST_NON_COMPLIANCE = "host_non_compliance"
    PROJECT_NOT_VIABLE = "project_not_viable"
    OTHER = "other"


class InterruptionInitiator(StrEnum):
    """Who ended an internship early."""

    INTERN = "intern"
    HOST = "host"
    PROMOTER = "promoter"
    SOCIAL_SERVICES = "social_services"


class IncidentSeverity(StrEnum):
    """How serious a safety incident is: the only detail that travels on the bus."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class TutorRole(StrEnum):
    """Whose tutor made a visit: the promoter's or the host's."""

    PROMOTER = "promoter"
    HOST = "host"


class Outcome(StrEnum):
    """How a completed internship ended for the person."""

    HIRED = "hired"
    NOT_HIRED = "not_hired"
    FURTHER_TRAINING = "further_training"


class ContractType(StrEnum):
    """The kind of employment contract a person obtained."""

    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    APPRENTICESHIP = "apprenticeship"
    OTHER = "other"


class NoticeKind(StrEnum):
    """Which mandatory notice (comunicazione obbligatoria) was filed."""

    START = "start"
    EXTENSION = "extension"
    END = "end"


class FollowUpMonth(IntEnum):
    """The months after the end of an internship at which the person is followed up."""

    THREE = 3
    SIX = 6
    TWELVE = 12


class ClosureReason(StrEnum):
    """Why a referral or a case was closed."""

    PATH_COMPLETED = "path_completed"
    REFERRAL_WITHDRAWN = "referral_withdrawn"
    REFERRAL_DECLINED = "referral_declined"
    INTERNSHIP_INTERRUPTED = "internship_interrupted"
    NO_PLACEMENT_FOUND = "no_placement_found"
    PERSON_UNREACHABLE = "person_unreachable"
    MOVED_AWAY = "moved_away"
    OTHER = "other"


class ErasureBasis(StrEnum):
    """Why a person's personal data were erased (GDPR art. 17 grounds, or retention)."""

    DATA_SUBJECT_REQUEST = "data_subject_request"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    NO_LONGER_NECESSARY = "no_longer_necessary"
    RETENTION_EXPIRED = "retention_expired"
    UNLAWFUL_PROCESSING = "unlawful_processing"
    LEGAL_OBLIGATION = "legal_obligation"


class Weekday(StrEnum):
    """A day of the week, for hour windows."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"
