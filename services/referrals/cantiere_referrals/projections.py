"""Read models of the referrals service, each named after the question it answers; all rebuildable from the logs."""

from __future__ import annotations

from typing import Any

from cantiere_events import Audience, Producer
from cantiere_events.contract import PUBLIC
from cantiere_runtime.bus import PUBLIC_STREAM, RESTRICTED_STREAM
from cantiere_runtime.projector import Projection
from cantiere_runtime.service import StreamSubscription
from cantiere_runtime.store import Recorded
from sqlalchemy import Table, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_referrals.adapters.tables import (
    caseload,
    referrals,
    timeline_consortium,
    timeline_consortium_restricted,
    timeline_local,
)
from cantiere_referrals.domain import events as e

# Tokens link people across municipalities: no screen needs them, so timelines leave them out.
HIDDEN_DETAIL = {"own_token", "keep_apart_tokens", "person_id", "referral_id"}


class CaseloadBySocialWorker:
    """Who follows whom, in which district, and where each person's referral stands."""

    name = "caseload_by_social_worker"
    tables = (caseload,)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        event, pid = recorded.event, recorded.metadata.aggregate_id
        where = caseload.c.person_id == pid
        match event:
            case e.PersonRegistered():
                await conn.execute(
                    insert(caseload).values(
                        person_id=pid,
                        social_worker_id=event.social_worker_id,
                        district=event.district,
                        age_band=event.profile.age_band.value,
                        gender=event.profile.gender.value,
                        referral_status=None,
                        erased=False,
                        registered_on=event.registered_on,
                    )
                )
            case e.ReferralOpened():
                await conn.execute(update(caseload).where(where).values(referral_status="open"))
            case e.ReferralCancelled():
                await conn.execute(update(caseload).where(where).values(referral_status="withdrawn"))
            case e.ReferralEnded():
                await conn.execute(update(caseload).where(where).values(referral_status="closed"))
            case e.PersonErased():
                await conn.execute(update(caseload).where(where).values(erased=True))


class ReferralsByStatus:
    """Every referral of the municipality with its status (open, withdrawn, closed) and reason."""

    name = "referrals_by_status"
    tables = (referrals,)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        event, pid = recorded.event, recorded.metadata.aggregate_id
        match event:
            case e.ReferralOpened():
                await conn.execute(
                    insert(referrals).values(
                        referral_id=event.referral_id, person_id=pid, status="open", submitted_on=event.submitted_on
                    )
                )
            case e.ReferralCancelled():
                await conn.execute(
                    update(referrals)
                    .where(referrals.c.referral_id == event.referral_id)
                    .values(status="withdrawn", reason=event.reason.value, ended_on=event.withdrawn_on)
                )
            case e.ReferralEnded():
                await conn.execute(
                    update(referrals)
                    .where(referrals.c.referral_id == event.referral_id)
                    .values(status="closed", reason=event.reason.value, ended_on=event.closed_on)
                )


def _detail(payload: Any) -> dict[str, Any]:
    data = payload.model_dump(mode="json")
    return {k: v for k, v in data.items() if k not in HIDDEN_DETAIL}


class PersonTimeline:
    """One person's journey as the municipality recorded it (codes and dates, never identity)."""

    name = "person_timeline"
    tables = (timeline_local,)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        await conn.execute(
            insert(timeline_local).values(
                person_id=recorded.metadata.aggregate_id,
                position=recorded.position,
                event_type=recorded.event.event_type,
                occurred_at=recorded.metadata.occurred_at,
                detail=_detail(recorded.event),
            )
        )


class ConsortiumTimeline:
    """What the consortium published about this municipality's people (intake, placements, internships)."""

    def __init__(self, name: str = "person_timeline_consortium", table: Table = timeline_consortium) -> None:
        self.name = name
        self.table = table
        self.tables = (table,)

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        person_id = getattr(recorded.event, "person_id", None)
        if person_id is None:
            return
        await conn.execute(
            insert(self.table).values(
                person_id=str(person_id),
                position=recorded.position,
                event_type=recorded.event.event_type,
                occurred_at=recorded.metadata.occurred_at,
                detail=_detail(recorded.event),
            )
        )


def local_projections() -> tuple[Projection, ...]:
    """The projections fed by the service's own store."""
    return (CaseloadBySocialWorker(), ReferralsByStatus(), PersonTimeline())


def consortium_subscriptions(partner: str) -> list[StreamSubscription]:
    """The consortium's events about this municipality's people, into the timeline.

    Public ones (intake, placements, internships) and restricted ones (clearances and
    refusals, which only the consortium and the referring municipality may read).
    deploy/nats/generate.py grants exactly these durables and filters.
    """
    public = f"cantiere.{Audience.PUBLIC.value}.{Producer.PLACEMENTS.value}.{partner}.>"
    restricted = f"cantiere.{Audience.RESTRICTED.value}.{Producer.PLACEMENTS.value}.{partner}.>"
    return [
        StreamSubscription(ConsortiumTimeline(), PUBLIC_STREAM.name, [public], f"referrals-{partner}-timeline", PUBLIC),
        StreamSubscription(
            ConsortiumTimeline("person_timeline_consortium_restricted", timeline_consortium_restricted),
            RESTRICTED_STREAM.name,
            [restricted],
            f"referrals-{partner}-timeline-restricted",
            PUBLIC,
        ),
    ]
