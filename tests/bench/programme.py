"""A Region-scale programme as public contract events, in the order the bus would carry them (benchmarks only).

Invented people go through the whole process, as the pilot's scenario shapes it: five consents, the referral,
intake (a few declined), proposals (some turned down), agreement, training project, notices, the internship
month by month (attendance, allowance calculated and paid, tutor visits; some suspended, extended or
interrupted), completion, attestation, follow-ups at 3, 6 and 12 months and the case closed; now and then a
consent withdrawn or a person erased. Hosts register and get tutors. Everyone's events are merged by day, so
people overlap as they would in a programme. Seeded: the same arguments give the same events.
"""

from __future__ import annotations

import heapq
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from cantiere_events import Event, NatsMessage, encode, wrap
from cantiere_events.codes import (
    AgeBand,
    ClosureReason,
    ConsentScope,
    ContractType,
    DeclineReason,
    EducationLevel,
    EligibilityCategory,
    ErasureBasis,
    FollowUpMonth,
    Gender,
    InterruptionInitiator,
    InterruptionReason,
    LegalBasis,
    NoticeKind,
    Outcome,
    PlacementParty,
    PlacementRejectionReason,
    ReferringService,
    SuspensionReason,
    TutorRole,
)
from cantiere_events.common import CandidateProfile, HostDeclarations
from cantiere_events.placements import (
    AgreementSigned,
    AllowanceCalculated,
    AllowancePaid,
    AttendanceMonthClosed,
    CaseClosed,
    CompetenceAttestationIssued,
    FollowUpRecorded,
    HostRegistered,
    HostTutorAssigned,
    IntakeInterviewHeld,
    InternshipCompleted,
    InternshipExtended,
    InternshipInterrupted,
    InternshipResumed,
    InternshipStarted,
    InternshipSuspended,
    MandatoryNoticeFiled,
    PlacementAcceptedByHost,
    PlacementAcceptedByPerson,
    PlacementProposed,
    PlacementRejected,
    ReferralAccepted,
    ReferralDeclined,
    SkillsAssessed,
    TrainingProjectApproved,
    TrainingProjectValidated,
    TutorVisitLogged,
)
from cantiere_events.referrals import ConsentRecorded, ConsentWithdrawn, PersonalDataErased, ReferralSubmitted

CONSORTIUM = "ati-cantiere"
START = date(2008, 1, 7)
PEOPLE_PER_DAY = 3
PEOPLE_PER_HOST = 5
SECTORS = ("56", "47", "81", "88", "10", "96")


@dataclass(frozen=True)
class Planned:
    """An event on its day, with the aggregate it belongs to (merged by day across the programme)."""

    day: date
    order: int  # within its person's (or host's) own events
    partner: str
    aggregate_id: str
    event: Event

    def __lt__(self, other: Planned) -> bool:
        return (self.day, self.order) < (other.day, other.order)


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _host(n: int, day: date, rng: random.Random, municipalities: int) -> tuple[str, str, str, list[Planned]]:
    host_id, tutor = _id(rng), _id(rng)
    site, sector = f"comune-{n % municipalities:03d}", rng.choice(SECTORS)
    declarations = HostDeclarations(no_layoffs_last_12_months=True, safety_law_compliant=True,
                                    disability_quota_compliant=True, collective_agreement_applied=True)  # fmt: skip
    events = [
        HostRegistered(
            host_id=host_id,
            vat_number=f"{10_000_000_000 + n:011d}",
            site_municipality=site,
            sector_code=sector,
            permanent_headcount=rng.randint(3, 80),
            declarations=declarations,
            registered_on=day,
        ),
        HostTutorAssigned(host_id=host_id, tutor_id=tutor, assigned_on=day),
    ]
    planned = [Planned(day, i, CONSORTIUM, host_id, e) for i, e in enumerate(events)]
    return host_id, site, sector, planned


def _person(n: int, day: date, rng: random.Random, host: tuple[str, str, str], municipalities: int) -> list[Planned]:
    """One person's public events, in her own order, each on its day."""
    municipality = f"comune-{n % municipalities:03d}"
    person, referral, placement, internship = _id(rng), _id(rng), _id(rng), _id(rng)
    host_id, site, sector = host
    who = {"person_id": person, "referral_id": referral}
    where = {"municipality": municipality, "district": None}
    planned: list[Planned] = []

    def add(event: Event, after: int = 0, aggregate: str = person) -> None:
        nonlocal day
        day += timedelta(days=after)
        planned.append(Planned(day, len(planned), municipality, aggregate, event))

    for scope in ConsentScope:
        add(ConsentRecorded(**who, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="v1", given_on=day),
            aggregate=referral)  # fmt: skip
    profile = CandidateProfile(age_band=rng.choice(list(AgeBand)[1:]), gender=rng.choice(list(Gender)),
                               education_level=rng.choice(list(EducationLevel)))  # fmt: skip
    add(ReferralSubmitted(**who, **where, eligibility_category=rng.choice(list(EligibilityCategory)),
                          referring_service=rng.choice(list(ReferringService)), profile=profile, submitted_on=day),
        aggregate=referral)  # fmt: skip
    if rng.random() < 0.06:
        add(ReferralDeclined(**who, **where, reason=rng.choice(list(DeclineReason)), declined_on=day), 7)
        add(CaseClosed(**who, **where, reason=ClosureReason.REFERRAL_DECLINED, closed_on=day), 1)
        return planned
    add(ReferralAccepted(**who, **where, accepted_on=day), 5)
    add(IntakeInterviewHeld(**who, held_on=day), 10)
    add(SkillsAssessed(**who, competence_codes=("comunicazione",), assessed_on=day), 3)
    at = {"placement_id": placement, "host_id": host_id}
    if rng.random() < 0.2:
        first = {"placement_id": _id(rng), "host_id": host_id}
        add(PlacementProposed(**who, **first, site_municipality=site, sector_code=sector, proposed_on=day), 10)
        add(PlacementRejected(**who, **first, rejected_by=PlacementParty.PERSON,
                              reason=rng.choice(list(PlacementRejectionReason)), rejected_on=day), 4)  # fmt: skip
    add(PlacementProposed(**who, **at, site_municipality=site, sector_code=sector, proposed_on=day), 10)
    add(PlacementAcceptedByPerson(**who, **at, accepted_on=day), 3)
    add(PlacementAcceptedByHost(**who, **at, accepted_on=day), 2)
    add(AgreementSigned(**who, internship_id=internship, agreement_id=_id(rng), **at, signed_on=day), 5)
    months = 6
    starts, ends = day + timedelta(days=10), day + timedelta(days=10 + 30 * months)
    add(TrainingProjectApproved(**who, internship_id=internship, objective_codes=("autonomia",),
                                promoter_tutor_id=_id(rng), host_tutor_id=_id(rng), hours_per_week=20,
                                starts_on=starts, ends_on=ends, monthly_allowance_cents=45_000,
                                approved_on=day), 1)  # fmt: skip
    add(TrainingProjectValidated(**who, internship_id=internship, validated_on=day), 3)
    add(MandatoryNoticeFiled(**who, internship_id=internship, kind=NoticeKind.START,
                             reference_number=f"CO-{n}", filed_on=day), 1)  # fmt: skip
    job = {"internship_id": internship, "host_id": host_id, **where, "site_municipality": site, "sector_code": sector}
    add(InternshipStarted(**who, **job, placement_id=placement, hours_per_week=20, started_on=starts,
                          planned_end_on=ends), (starts - day).days)  # fmt: skip
    interrupted_after = rng.randint(1, months - 1) if rng.random() < 0.12 else None
    if rng.random() < 0.1:
        months += 2
        ends += timedelta(days=60)
    for month in range(months):
        add(AttendanceMonthClosed(**who, internship_id=internship, month=f"{day:%Y-%m}", planned_hours=Decimal(80),
                                  attended_hours=Decimal(rng.randint(50, 80))), 30)  # fmt: skip
        add(AllowanceCalculated(**who, internship_id=internship, month=f"{day:%Y-%m}", amount_cents=45_000,
                                rule_set_id="puglia-2008"), 2)  # fmt: skip
        add(AllowancePaid(**who, internship_id=internship, month=f"{day:%Y-%m}", amount_cents=45_000,
                          paid_on=day), 5)  # fmt: skip
        if month % 2 == 0:
            add(TutorVisitLogged(**who, internship_id=internship, tutor_id=_id(rng), tutor_role=TutorRole.PROMOTER,
                                 visited_on=day))  # fmt: skip
        if month == 2 and rng.random() < 0.08:
            add(InternshipSuspended(**who, internship_id=internship, reason=rng.choice(list(SuspensionReason)),
                                    suspended_on=day), 1)  # fmt: skip
            ends += timedelta(days=20)
            add(InternshipResumed(**who, internship_id=internship, resumed_on=day, planned_end_on=ends), 20)
        if month == 6:
            add(InternshipExtended(**who, internship_id=internship, extended_on=day, planned_end_on=ends))
            add(MandatoryNoticeFiled(**who, internship_id=internship, kind=NoticeKind.EXTENSION,
                                     reference_number=f"CO-{n}-P", filed_on=day))  # fmt: skip
        if interrupted_after == month:
            add(
                InternshipInterrupted(
                    **who,
                    **job,
                    reason=rng.choice(list(InterruptionReason)),
                    initiated_by=rng.choice(list(InterruptionInitiator)),
                    interrupted_on=day,
                ),
                3,
            )
            add(CaseClosed(**who, **where, reason=ClosureReason.INTERNSHIP_INTERRUPTED, closed_on=day), 10)
            return planned
    hired = rng.random() < 0.35
    contract = rng.choice(list(ContractType)) if hired else None
    add(InternshipCompleted(**who, **job, outcome=Outcome.HIRED if hired else Outcome.NOT_HIRED,
                            contract_type=contract, completed_on=max(day, ends)), 1)  # fmt: skip
    add(CompetenceAttestationIssued(**who, internship_id=internship, competence_codes=("autonomia",),
                                    issued_on=day), 5)  # fmt: skip
    add(MandatoryNoticeFiled(**who, internship_id=internship, kind=NoticeKind.END, reference_number=f"CO-{n}-F",
                             filed_on=day), 1)  # fmt: skip
    for month, after in ((FollowUpMonth.THREE, 90), (FollowUpMonth.SIX, 90), (FollowUpMonth.TWELVE, 180)):
        add(
            FollowUpRecorded(
                **who,
                internship_id=internship,
                **where,
                month=month,
                employed=hired,
                contract_type=contract,
                same_host=True if hired else None,
                recorded_on=day,
            ),
            after,
        )
    add(CaseClosed(**who, **where, reason=ClosureReason.PATH_COMPLETED, closed_on=day), 2)
    if rng.random() < 0.03:
        add(ConsentWithdrawn(**who, scope=ConsentScope.AGGREGATE_STATISTICS, legal_basis=LegalBasis.CONSENT,
                             form_version="v1", withdrawn_on=day), 30, aggregate=referral)  # fmt: skip
    if rng.random() < 0.01:
        add(PersonalDataErased(**who, basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=day), 60, aggregate=referral)
    return planned


def _people(seed: int, municipalities: int) -> Iterator[list[Planned]]:
    """Hosts and people, endlessly, each list starting no earlier than the one before."""
    rng = random.Random(seed)
    host: tuple[str, str, str] = ("", "", "")
    for n in count():
        day = START + timedelta(days=n // PEOPLE_PER_DAY)
        if n % PEOPLE_PER_HOST == 0:
            host_id, site, sector, registered = _host(n // PEOPLE_PER_HOST, day, rng, municipalities)
            host = (host_id, site, sector)
            yield registered
        yield _person(n, day, rng, host, municipalities)


def programme_events(events: int, *, seed: int = 2008, municipalities: int = 100) -> Iterator[Planned]:
    """Exactly ``events`` public events of an invented programme, merged by day across people.

    People start a few a day; a person's events join the merge when the day reaches her start, so only
    the people whose paths overlap the current day are held in memory.
    """
    heap: list[Planned] = []
    people = _people(seed, municipalities)
    upcoming = next(people)
    for _ in range(events):
        while not heap or upcoming[0].day <= heap[0].day:
            for planned in upcoming:
                heapq.heappush(heap, planned)
            upcoming = next(people)
        yield heapq.heappop(heap)


def programme_messages(events: int, *, seed: int = 2008, municipalities: int = 100) -> Iterator[NatsMessage]:
    """The programme's events as the outbox relays would publish them (subject, JSON body, CloudEvents headers)."""
    versions: dict[str, int] = {}
    for planned in programme_events(events, seed=seed, municipalities=municipalities):
        version = versions[planned.aggregate_id] = versions.get(planned.aggregate_id, 0) + 1
        at = datetime.combine(planned.day, datetime.min.time(), UTC)
        envelope = wrap(planned.event, partner=planned.partner, aggregate_id=planned.aggregate_id,
                        aggregate_version=version, occurred_at=at)  # fmt: skip
        yield encode(envelope)
