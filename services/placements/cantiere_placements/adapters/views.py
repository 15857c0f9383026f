"""The read models, built from this service's own store: candidates, hosts, placements and months."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cantiere_events import Event
from cantiere_runtime.store import Recorded
from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.tables import VIEW_TABLES, candidates, hosts, months, placements
from cantiere_placements.domain import events as ev

STAGE = {
    ev.CandidateAccepted: "accepted",
    ev.CandidateDeclined: "declined",
    ev.CandidateErased: "erased",
}
STAFF_ROLES = ("placement_operator", "placement_coordinator")
# Status and who the case waits for after each phase-changing event.
STATUS = {
    ev.PlacementRejected: ("rejected", "nobody"),
    ev.InternshipStarted: ("running", "host_tutor"),
    ev.InternshipSuspended: ("suspended", "resumption"),
    ev.InternshipResumed: ("running", "host_tutor"),
    ev.InternshipInterrupted: ("interrupted", "follow_up"),
    ev.InternshipCompleted: ("completed", "follow_up"),
    ev.CaseClosed: ("closed", "nobody"),
}


@dataclass
class PlacementViews:
    """Answers 'where does each case stand, and who does it wait for' for every screen of the service."""

    name: str = "placements_views"
    tables: tuple[Table, ...] = field(default=VIEW_TABLES)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Change the read model for one of the service's own events."""
        aggregate = recorded.metadata.aggregate_id
        day = recorded.metadata.occurred_at.date()
        kind, _, key = aggregate.partition("-")
        actor = recorded.metadata.actor
        operator = actor.user_id if actor is not None and actor.role in STAFF_ROLES else None
        if kind == "candidate":
            await _candidate(conn, key, recorded.event, day, operator)
        elif kind == "host":
            await _host(conn, key, recorded.event)
        elif kind == "placement":
            await _placement(conn, key, recorded.event, day, operator)


async def _candidate(conn: AsyncConnection, person_id: str, event: Event, day: Any, operator: str | None) -> None:
    where = candidates.c.person_id == person_id
    match event:
        case ev.CandidateReferred():
            row = {
                "person_id": person_id,
                "referral_id": event.referral_id,
                "municipality": event.municipality,
                "stage": "referred",
                "since": day,
                "competences": [],
                "esco_skills": [],
                "preferred_sectors": list(event.profile.preferred_sectors),
                "consents": [],
                "age_band": str(event.profile.age_band),
                "referred_on": event.referred_on,
            }
            await conn.execute(insert(candidates).values(**row))
        case ev.IntakeInterviewHeld():
            await conn.execute(update(candidates).where(where).values(interviewed_on=event.held_on))
        case ev.CandidateConsentRecorded() | ev.CandidateConsentWithdrawn():
            scopes = set(await conn.scalar(select(candidates.c.consents).where(where)) or []) - {str(event.scope)}
            if isinstance(event, ev.CandidateConsentRecorded):
                scopes.add(str(event.scope))
            await conn.execute(update(candidates).where(where).values(consents=sorted(scopes)))
        case ev.SkillsAssessed():
            values = {"competences": list(event.competences), "esco_skills": list(event.esco_skills)}
            await conn.execute(update(candidates).where(where).values(**values))
        case ev.CandidateAccepted() | ev.CandidateDeclined() if operator:  # who took the case in owns it
            taken = {"stage": STAGE[type(event)], "since": day, "operator": operator}
            await conn.execute(update(candidates).where(where).values(**taken))
        case _ if type(event) in STAGE:
            await conn.execute(update(candidates).where(where).values(stage=STAGE[type(event)], since=day))


async def _host(conn: AsyncConnection, host_id: str, event: Event) -> None:
    where = hosts.c.host_id == host_id
    match event:
        case ev.HostRegistered():
            data = event.model_dump(
                include={
                    "vat_number",
                    "site_municipality",
                    "sector_code",
                    "permanent_headcount",
                    "company_name",
                    "site_address",
                }
            )
            await conn.execute(insert(hosts).values(host_id=host_id, active=True, places_taken=0, tutors=[], **data))
        case ev.HostTutorAssigned():
            tutors = await conn.scalar(select(hosts.c.tutors).where(where)) or []
            await conn.execute(update(hosts).where(where).values(tutors=[*tutors, event.tutor_id]))
        case ev.HostSuspended() | ev.HostReinstated():
            await conn.execute(update(hosts).where(where).values(active=isinstance(event, ev.HostReinstated)))
        case ev.HostPlaceReserved():
            await conn.execute(update(hosts).where(where).values(places_taken=hosts.c.places_taken + 1))
        case ev.HostPlaceReleased():
            await conn.execute(update(hosts).where(where).values(places_taken=hosts.c.places_taken - 1))


async def _placement(conn: AsyncConnection, placement_id: str, event: Event, day: Any, operator: str | None) -> None:
    if isinstance(event, ev.PlacementProposed):
        data = event.model_dump(include={"person_id", "host_id", "municipality", "hours_per_week"})
        owner = await conn.scalar(select(candidates.c.operator).where(candidates.c.person_id == event.person_id))
        row = {"status": "proposed", "since": day, "objectives": [], "notices": [], "follow_ups": []}
        row["operator"] = owner or operator
        await conn.execute(
            insert(placements).values(placement_id=placement_id, waiting_for="acceptance", **row, **data)
        )
        await conn.execute(update(candidates).where(candidates.c.person_id == event.person_id).values(stage="placed"))
        return
    if isinstance(event, ev.AttendanceMonthClosed | ev.AllowanceCalculated | ev.AllowancePaid):
        await _month(conn, placement_id, event)
        return
    where = placements.c.placement_id == placement_id
    found = (await conn.execute(select(placements).where(where))).mappings().first()
    if found is None:
        return
    changes = _changes(event, dict(found))
    if type(event) in STATUS:
        status, waiting = STATUS[type(event)]
        changes.update(status=status, waiting_for=waiting, since=day)
    elif "waiting_for" in changes:
        changes["since"] = day
    if changes:
        await conn.execute(update(placements).where(where).values(**changes))


def _changes(event: Event, row: dict[str, Any]) -> dict[str, Any]:
    match event:
        case ev.PlacementAccepted() if row["waiting_for"] == "acceptance":
            return {"waiting_for": "other_party"}
        case ev.PlacementAccepted():
            return {"status": "agreed", "waiting_for": "agreement"}
        case ev.AgreementSigned():
            return {"waiting_for": "training_project"}
        case ev.TrainingProjectApproved():
            return {
                "objectives": list(event.objectives),
                "host_tutor_id": event.host_tutor_id,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "hours_per_week": event.hours_per_week,
                "monthly_allowance_cents": event.monthly_allowance_cents,
                "rule_set_id": event.rule_set_id,
                "validated_on": None,
                "waiting_for": "employment_centre",
            }
        case ev.TrainingProjectReturned():
            return {"waiting_for": "project_correction"}
        case ev.TrainingProjectValidated():
            return {"validated_on": event.validated_on, "waiting_for": "start_notice"}
        case ev.MandatoryNoticeFiled():
            changes: dict[str, Any] = {"notices": [*row["notices"], str(event.kind)]}
            if str(event.kind) == "start":
                changes["waiting_for"] = "first_day"
            return changes
        case ev.InternshipResumed() | ev.InternshipExtended():
            return {"ends_on": event.ends_on}
        case ev.InternshipCompleted():
            return {"outcome": str(event.outcome)}
        case ev.FollowUpRecorded():
            return {"follow_ups": [*row["follow_ups"], event.after_months]}
    return {}


async def _month(conn: AsyncConnection, placement_id: str, event: Event) -> None:
    where = (months.c.placement_id == placement_id) & (months.c.month == getattr(event, "month", ""))
    match event:
        case ev.AttendanceMonthClosed():
            values = {"planned_hours": event.planned_hours, "attended_hours": event.attended_hours}
            await conn.execute(insert(months).values(placement_id=placement_id, month=event.month, **values))
        case ev.AllowanceCalculated():
            values = {"allowance_cents": event.amount_cents, "rule_set_id": event.rule_set_id}
            await conn.execute(update(months).where(where).values(**values))
        case ev.AllowancePaid():
            await conn.execute(update(months).where(where).values(paid_on=event.paid_on))
