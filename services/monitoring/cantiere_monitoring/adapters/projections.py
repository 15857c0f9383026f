"""Projections fed only by public contract events: what monitoring needs to count, time and compare people.

Events may arrive in any order between producers, so each one sets only its own columns
(update-or-insert). Consent lives in its own projection and is joined at query time, so a
withdrawal or an erasure removes a person from every figure, past ones included, at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from cantiere_events import Event
from cantiere_events.codes import ConsentScope
from cantiere_events.placements import (
    AgreementSigned,
    AllowancePaid,
    AttendanceMonthClosed,
    CaseClosed,
    CompetenceAttestationIssued,
    FollowUpRecorded,
    HostRegistered,
    HostReinstated,
    HostSuspended,
    IntakeInterviewHeld,
    InternshipCompleted,
    InternshipInterrupted,
    InternshipResumed,
    InternshipStarted,
    InternshipSuspended,
    PlacementAcceptedByHost,
    PlacementAcceptedByPerson,
    ReferralAccepted,
    ReferralDeclined,
    SkillsAssessed,
)
from cantiere_events.referrals import ConsentRecorded, ConsentWithdrawn, PersonalDataErased, ReferralSubmitted
from cantiere_runtime.store import Recorded
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_monitoring.adapters.row_changes import TableChanges, delete_where
from cantiere_monitoring.adapters.tables import (
    allowances_paid,
    attendance_months,
    follow_ups,
    hosts,
    person_journeys,
    statistics_consent,
)
from cantiere_monitoring.adapters.upsert import upsert

# The tables holding a person's journey, emptied of an erased person's rows.
JOURNEY_TABLES = (person_journeys, follow_ups, attendance_months, allowances_paid)


def centihours(hours: Decimal) -> int:
    """Hours as whole hundredths, so sums stay exact."""
    return int(hours * 100)


class PersonJourneys:
    """Where each person stands in the process, and when each phase was reached (pseudonymous)."""

    name = "monitoring_person_journeys"
    tables: Sequence[Table] = (person_journeys, follow_ups, attendance_months, allowances_paid)
    event_types: ClassVar[tuple[type[Event], ...]] = (
        ReferralSubmitted, ReferralAccepted, ReferralDeclined, IntakeInterviewHeld, SkillsAssessed,
        PlacementAcceptedByPerson, PlacementAcceptedByHost, AgreementSigned, InternshipStarted,
        InternshipSuspended, InternshipResumed, InternshipInterrupted, InternshipCompleted,
        CompetenceAttestationIssued, FollowUpRecorded, CaseClosed, AttendanceMonthClosed, AllowancePaid,
        PersonalDataErased,
    )  # fmt: skip

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Record the phase date or outcome this event carries."""
        event: Any = recorded.event
        match event:
            case PersonalDataErased():
                await forget_erased_facts(conn, event.person_id)
            case AttendanceMonthClosed() | AllowancePaid() | FollowUpRecorded():
                table, key, values = _month_row(event)
                await upsert(conn, table, key, values)
            case _:
                key = {"person_id": event.person_id}
                journey = select(person_journeys).where(person_journeys.c.person_id == event.person_id)
                if values := journey_change(event, (await conn.execute(journey)).mappings().first()):
                    await upsert(conn, person_journeys, key, values)

    async def apply_batch(self, conn: AsyncConnection, events: Sequence[Recorded]) -> None:
        """The same as ``apply`` for each event in turn: journeys read once, each table written once."""
        journeys = TableChanges(person_journeys)
        months = {table: TableChanges(table) for table in (attendance_months, allowances_paid, follow_ups)}
        await journeys.load(conn, "person_id", {r.event.person_id for r in events})  # type: ignore[attr-defined]
        erased: set[str] = set()
        for recorded in events:
            event: Any = recorded.event
            match event:
                case PersonalDataErased():
                    erased.add(event.person_id)
                    for changes in (journeys, *months.values()):
                        changes.forget("person_id", event.person_id)
                case AttendanceMonthClosed() | AllowancePaid() | FollowUpRecorded():
                    table, key, values = _month_row(event)
                    months[table].set(key, values)
                case _:
                    key = {"person_id": event.person_id}
                    if values := journey_change(event, journeys.current(key)):
                        journeys.set(key, values)
        await delete_where(conn, JOURNEY_TABLES, "person_id", erased)
        for changes in (journeys, *months.values()):
            await changes.write(conn)


def _month_row(event: Any) -> tuple[Table, dict[str, Any], dict[str, Any]]:
    """The table, primary key and other columns of a month's attendance, allowance payment or follow-up."""
    match event:
        case AttendanceMonthClosed():
            return attendance_months, {"internship_id": event.internship_id, "month": event.month}, {
                "person_id": event.person_id,
                "planned_centihours": centihours(event.planned_hours),
                "attended_centihours": centihours(event.attended_hours),
            }  # fmt: skip
        case AllowancePaid():
            key = {"internship_id": event.internship_id, "month": event.month}
            return allowances_paid, key, {
                "person_id": event.person_id, "amount_cents": event.amount_cents, "paid_on": event.paid_on
            }  # fmt: skip
    key = {"person_id": event.person_id, "month": int(event.month)}
    return follow_ups, key, {
        "employed": event.employed, "contract_type": event.contract_type, "recorded_on": event.recorded_on
    }  # fmt: skip


def _earlier(current: Mapping[Any, Any] | None, column: str, day: Any) -> Any:
    value = current[column] if current is not None else None
    return day if value is None or day < value else value


def _later(current: Mapping[Any, Any] | None, column: str, day: Any) -> Any:
    value = current[column] if current is not None else None
    return day if value is None or day > value else value


def journey_change(event: Any, current: Mapping[Any, Any] | None) -> dict[str, Any]:
    """The journey columns an event sets (empty when it sets none), given the person's journey row so far."""
    match event:
        case ReferralSubmitted():
            return {"municipality": event.municipality, "district": event.district,
                    "age_band": event.profile.age_band.value, "referred_on": event.submitted_on,
                    "ever_suspended": False}  # fmt: skip
        case ReferralAccepted():
            return {"municipality": event.municipality, "district": event.district, "accepted_on": event.accepted_on}
        case ReferralDeclined():
            return {"declined_on": event.declined_on, "decline_reason": event.reason.value}
        case IntakeInterviewHeld():
            return {"intake_done_on": _later(current, "intake_done_on", event.held_on)}
        case SkillsAssessed():
            return {"intake_done_on": _later(current, "intake_done_on", event.assessed_on)}
        case PlacementAcceptedByPerson() | PlacementAcceptedByHost():
            # Matched when both sides said yes: the later of the two acceptances.
            return {"matched_on": _later(current, "matched_on", event.accepted_on)}
        case AgreementSigned():
            return {"agreement_signed_on": event.signed_on, "host_id": event.host_id}
        case InternshipStarted():
            return {"internship_id": event.internship_id, "host_id": event.host_id, "sector_code": event.sector_code,
                    "started_on": event.started_on, "planned_end_on": event.planned_end_on,
                    "municipality": event.municipality, "district": event.district}  # fmt: skip
        case InternshipSuspended():
            return {"suspended_on": event.suspended_on, "ever_suspended": True, "suspension_reason": event.reason.value}
        case InternshipResumed():
            return {"suspended_on": None, "planned_end_on": event.planned_end_on}
        case InternshipInterrupted():
            return {"interrupted_on": event.interrupted_on, "interruption_reason": event.reason.value,
                    "suspended_on": None, "sector_code": event.sector_code}  # fmt: skip
        case InternshipCompleted():
            contract = event.contract_type.value if event.contract_type else None
            return {"completed_on": event.completed_on, "outcome": event.outcome.value, "contract_type": contract,
                    "suspended_on": None, "sector_code": event.sector_code}  # fmt: skip
        case CompetenceAttestationIssued():
            return {"attested_on": _earlier(current, "attested_on", event.issued_on)}
        case CaseClosed():
            return {"closed_on": event.closed_on}
    return {}


class AggregateStatisticsConsent:
    """Who may be counted: the latest aggregate-statistics consent of each person, and erasures."""

    name = "monitoring_statistics_consent"
    # A withdrawal or an erasure it cannot apply stops it (never skipped); a grant it cannot apply
    # only leaves someone uncounted, which is safe, so that one is set aside like any other.
    fail_closed: ClassVar[bool] = True
    fail_closed_types: ClassVar[frozenset[str]] = frozenset({"ConsentWithdrawn", "PersonalDataErased"})
    tables: Sequence[Table] = (statistics_consent,)
    event_types: ClassVar[tuple[type[Event], ...]] = (ConsentRecorded, ConsentWithdrawn, PersonalDataErased)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Follow the person's consent to aggregate statistics; an erasure is final."""
        event: Any = recorded.event
        row = statistics_consent.c
        found = await conn.execute(select(statistics_consent).where(row.person_id == event.person_id))
        if values := consent_change(event, found.mappings().first()):
            await upsert(conn, statistics_consent, {"person_id": event.person_id}, values)

    async def apply_batch(self, conn: AsyncConnection, events: Sequence[Recorded]) -> None:
        """The same as ``apply`` for each event in turn: consent rows read once, written once."""
        consents = TableChanges(statistics_consent)
        await consents.load(conn, "person_id", {r.event.person_id for r in events})  # type: ignore[attr-defined]
        for recorded in events:
            event: Any = recorded.event
            key = {"person_id": event.person_id}
            if values := consent_change(event, consents.current(key)):
                consents.set(key, values)
        await consents.write(conn)


def consent_change(event: Any, current: Mapping[Any, Any] | None) -> dict[str, Any]:
    """The consent columns an event sets (empty for a scope other than aggregate statistics)."""
    erased = bool(current is not None and current["erased"])
    match event:
        case ConsentRecorded() | ConsentWithdrawn() if event.scope is not ConsentScope.AGGREGATE_STATISTICS:
            return {}
        case ConsentRecorded():
            return {"given": True, "erased": erased}
        case ConsentWithdrawn():
            return {"given": False, "erased": erased}
        case PersonalDataErased():
            return {"given": False, "erased": True}
    return {}


class HostsRecruitedAndRetained:
    """Which host sites joined the programme, where, in which sector, and whether they are still active."""

    name = "monitoring_hosts"
    tables: Sequence[Table] = (hosts,)
    event_types: ClassVar[tuple[type[Event], ...]] = (HostRegistered, HostSuspended, HostReinstated)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Record a host's registration, suspension or reinstatement."""
        event: Any = recorded.event
        key = {"host_id": event.host_id}
        match event:
            case HostRegistered():
                values = {"site_municipality": event.site_municipality, "sector_code": event.sector_code,
                          "registered_on": event.registered_on}  # fmt: skip
                await upsert(conn, hosts, key, values)
            case HostSuspended():
                await upsert(conn, hosts, key, {"suspended_on": event.suspended_on})
            case HostReinstated():
                await upsert(conn, hosts, key, {"suspended_on": None})


async def forget_erased_facts(conn: AsyncConnection, person_id: str) -> None:
    """Delete an erased person's journey rows (the consent row keeps them out of every figure anyway)."""
    await delete_where(conn, JOURNEY_TABLES, "person_id", {person_id})
