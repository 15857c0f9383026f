"""Invented programme histories as public contract events, for monitoring tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from cantiere_events import Envelope, Event, wrap
from cantiere_events.codes import (
    AgeBand,
    ConsentScope,
    ContractType,
    EducationLevel,
    EligibilityCategory,
    ErasureBasis,
    FollowUpMonth,
    Gender,
    InterruptionInitiator,
    InterruptionReason,
    LegalBasis,
    Outcome,
    ReferringService,
)
from cantiere_events.common import CandidateProfile, HostDeclarations
from cantiere_events.placements import (
    AgreementSigned,
    AllowancePaid,
    AttendanceMonthClosed,
    FollowUpRecorded,
    HostRegistered,
    IntakeInterviewHeld,
    InternshipCompleted,
    InternshipInterrupted,
    InternshipStarted,
    PlacementAcceptedByHost,
    PlacementAcceptedByPerson,
    ReferralAccepted,
)
from cantiere_events.referrals import ConsentRecorded, ConsentWithdrawn, PersonalDataErased, ReferralSubmitted
from cantiere_runtime.store import Recorded

CONSORTIUM = "ati-cantiere"
_ids = count(1)


def pid(n: int) -> str:
    """A stable invented pseudonymous id."""
    return str(uuid.UUID(int=n))


def host_registered(n: int, on: date, sector: str = "56") -> Event:
    """An invented host site."""
    declarations = HostDeclarations(
        no_layoffs_last_12_months=True,
        safety_law_compliant=True,
        disability_quota_compliant=True,
        collective_agreement_applied=True,
    )
    return HostRegistered(
        host_id=pid(10_000 + n),
        vat_number=f"{n:011d}",
        site_municipality="bari",
        sector_code=sector,
        permanent_headcount=12,
        declarations=declarations,
        registered_on=on,
    )


def consent(n: int, on: date, scope: ConsentScope = ConsentScope.AGGREGATE_STATISTICS) -> Event:
    """Person n consents to a scope."""
    return ConsentRecorded(
        person_id=pid(n),
        referral_id=pid(5000 + n),
        scope=scope,
        legal_basis=LegalBasis.CONSENT,
        form_version="v1",
        given_on=on,
    )


def withdrawal(n: int, on: date) -> Event:
    """Person n withdraws the aggregate-statistics consent."""
    return ConsentWithdrawn(
        person_id=pid(n),
        referral_id=pid(5000 + n),
        scope=ConsentScope.AGGREGATE_STATISTICS,
        legal_basis=LegalBasis.CONSENT,
        form_version="v1",
        withdrawn_on=on,
    )


def erasure(n: int, on: date) -> Event:
    """Person n's personal data are erased."""
    return PersonalDataErased(
        person_id=pid(n), referral_id=pid(5000 + n), basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=on
    )


def journey(
    n: int,
    referred: date,
    *,
    municipality: str = "bari",
    age: AgeBand = AgeBand.FROM_25_TO_34,
    until: str = "completed",
    host: int = 1,
    hired: ContractType | None = None,
) -> list[Event]:
    """Person n's journey: referral, acceptance (+5d), intake (+20d), match (+40d), start (+50d), end (+230d)."""
    p, r = pid(n), pid(5000 + n)
    internship, placement = pid(20_000 + n), pid(30_000 + n)
    place = {"municipality": municipality, "district": "municipio-1" if municipality == "bari" else None}
    site = {"host_id": pid(10_000 + host), "site_municipality": "bari", "sector_code": "56"}
    profile = CandidateProfile(age_band=age, gender=Gender.FEMALE, education_level=EducationLevel.UPPER_SECONDARY)
    events: list[Event] = [
        consent(n, referred),
        ReferralSubmitted(
            person_id=p,
            referral_id=r,
            **place,
            eligibility_category=EligibilityCategory.DOMESTIC_VIOLENCE,
            referring_service=ReferringService.ANTI_VIOLENCE_CENTRE,
            profile=profile,
            submitted_on=referred,
        ),
    ]
    if until == "referred":
        return events
    d = lambda days: referred + timedelta(days=days)  # noqa: E731
    events += [
        ReferralAccepted(person_id=p, referral_id=r, **place, accepted_on=d(5)),
        IntakeInterviewHeld(person_id=p, referral_id=r, held_on=d(20)),
        PlacementAcceptedByPerson(
            person_id=p, referral_id=r, placement_id=placement, host_id=site["host_id"], accepted_on=d(38)
        ),
        PlacementAcceptedByHost(
            person_id=p, referral_id=r, placement_id=placement, host_id=site["host_id"], accepted_on=d(40)
        ),
        AgreementSigned(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            agreement_id=pid(40_000 + n),
            placement_id=placement,
            host_id=site["host_id"],
            signed_on=d(45),
        ),
        InternshipStarted(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            placement_id=placement,
            **place,
            **site,
            hours_per_week=20,
            started_on=d(50),
            planned_end_on=d(230),
        ),
        AttendanceMonthClosed(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            month=f"{d(60):%Y-%m}",
            planned_hours=Decimal("80"),
            attended_hours=Decimal("72"),
        ),
        AllowancePaid(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            month=f"{d(60):%Y-%m}",
            amount_cents=45_000,
            paid_on=d(70),
        ),
    ]
    if until == "running":
        return events
    if until == "interrupted":
        return [
            *events,
            InternshipInterrupted(
                person_id=p,
                referral_id=r,
                internship_id=internship,
                **place,
                **site,
                reason=InterruptionReason.PERSON_CHOICE,
                initiated_by=InterruptionInitiator.INTERN,
                interrupted_on=d(100),
            ),
        ]
    outcome = Outcome.HIRED if hired else Outcome.NOT_HIRED
    return [
        *events,
        InternshipCompleted(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            **place,
            **site,
            outcome=outcome,
            contract_type=hired,
            completed_on=d(230),
        ),
        FollowUpRecorded(
            person_id=p,
            referral_id=r,
            internship_id=internship,
            **place,
            month=FollowUpMonth.THREE,
            employed=hired is not None,
            contract_type=hired,
            same_host=True if hired else None,
            recorded_on=d(320),
        ),
    ]


def partner_of(event: Event) -> str:
    """The partner an event is published under: the referring municipality, or the consortium for hosts."""
    return getattr(event, "municipality", None) or ("bari" if hasattr(event, "person_id") else CONSORTIUM)


def envelopes(events: list[Event]) -> list[Envelope]:
    """The events wrapped as their producers would publish them."""
    at = datetime(2008, 1, 1, tzinfo=UTC)
    return [
        wrap(
            event,
            partner=partner_of(event),
            aggregate_id=getattr(event, "person_id", None) or event.host_id,  # type: ignore[attr-defined]
            aggregate_version=i + 1,
            occurred_at=at + timedelta(minutes=i),
        )
        for i, event in enumerate(events)
    ]


def recorded(events: list[Event]) -> list[Recorded]:
    """The events as a projector receives them, positioned 1, 2, 3..."""
    return [Recorded(env.payload, env.metadata, i + 1) for i, env in enumerate(envelopes(events))]
