"""Referrals from the bus become candidates: referral, safety constraints, tokens, consent and erasure.

Fed by a StreamProjector: the candidate's events are appended in the projector's transaction, with
its checkpoint, so a redelivered message changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cantiere_events import Event, Producer
from cantiere_events import referrals as rf
from cantiere_runtime.store import CommandContext, EventStore, Recorded
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.unit import candidate_id

PUBLIC_SUBJECTS = tuple(
    f"cantiere.public.referrals.*.{name}" for name in ("ReferralSubmitted", "ConsentWithdrawn", "PersonalDataErased")
)
RESTRICTED_SUBJECTS = ("cantiere.restricted.referrals.*.>",)


def translate(event: Event) -> Event | None:
    """The candidate event for a referrals event (None for events the consortium does not keep)."""
    match event:
        case rf.ReferralSubmitted():
            return ev.CandidateReferred(
                person_id=event.person_id,
                referral_id=event.referral_id,
                municipality=event.municipality,
                district=event.district,
                profile=event.profile,
                referred_on=event.submitted_on,
            )
        case rf.SafetyConstraintsRecorded():
            return ev.CandidateSafetyStored(
                excluded_municipalities=event.excluded_municipalities,
                excluded_hosts=event.excluded_hosts,
                keep_apart_tokens=event.keep_apart_tokens,
                max_hours_per_week=event.max_hours_per_week,
                hour_windows=event.hour_windows,
            )
        case rf.KeepApartTokenRegistered():
            return ev.CandidateTokenStored(token=event.token)
        case rf.ConsentWithdrawn():
            return ev.CandidateConsentWithdrawn(scope=event.scope)
        case rf.PersonalDataErased():
            return ev.CandidateErased(erased_on=event.erased_on)
    return None


@dataclass
class ReferralIntake:
    """A bus-fed projection whose 'rows' are candidate events in this service's own store."""

    name: str
    consortium: str
    tables: Sequence[Table] = field(default=())

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Append the candidate event for one referrals event, in the projector's transaction."""
        event = translate(recorded.event)
        person_id = getattr(recorded.event, "person_id", None)
        if event is None or person_id is None:
            return
        aggregate = candidate_id(person_id)
        store = EventStore(conn.engine, REGISTRY)
        loaded = await store.load(aggregate, conn)
        history = [r.event for r in loaded.events]
        state = candidate_decider.fold(history)
        events = [event]
        if isinstance(event, ev.CandidateReferred):
            if state is not None:
                return  # the referral is already here
            # Constraints or tokens that arrived first (another stream) are carried after the referral.
            events += _latest(history, ev.CandidateSafetyStored) + _latest(history, ev.CandidateTokenStored)
        ctx = CommandContext(
            partner=self.consortium,
            producer=Producer.PLACEMENTS,
            now=recorded.metadata.occurred_at,
            causation_id=recorded.metadata.event_id,
            correlation_id=recorded.metadata.correlation_id or recorded.metadata.event_id,
        )
        await store.append(aggregate, loaded.version, events, context=ctx, conn=conn)
        if isinstance(event, ev.CandidateErased):
            await FirstNameVault.erase(conn, person_id)


def _latest(history: list[Event], kind: type[Event]) -> list[Event]:
    found = [e for e in history if isinstance(e, kind)]
    return found[-1:]
