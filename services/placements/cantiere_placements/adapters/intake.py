"""Referrals from the bus become candidates: referral, safety constraints, tokens, consents and erasure.

Fed by a StreamProjector: the candidate's events are appended in the projector's transaction, with
its checkpoint, so a redelivered message changes nothing; a replayed one is recognised by its causation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

import structlog
from cantiere_events import Event, Producer
from cantiere_events import referrals as rf
from cantiere_runtime.store import CommandContext, ConcurrencyError, EventStore, Recorded
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.safety_review import conflicts_involving
from cantiere_placements.service_layer.unit import candidate_id

PUBLIC_SUBJECTS = tuple(
    f"cantiere.public.referrals.*.{name}"
    for name in ("ReferralSubmitted", "ConsentRecorded", "ConsentWithdrawn", "PersonalDataErased")
)
# Only the types the intake knows: a new restricted type is opted into (not met as an unknown type that
# would stop this fail-closed intake).
RESTRICTED_SUBJECTS = tuple(
    f"cantiere.restricted.referrals.*.{name}" for name in ("SafetyConstraintsRecorded", "KeepApartTokenRegistered")
)
log = structlog.get_logger("cantiere.placements.intake")


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
            return ev.CandidateTokenStored(token=event.token, aliases=event.aliases)
        case rf.ConsentRecorded():
            return ev.CandidateConsentRecorded(scope=event.scope)
        case rf.ConsentWithdrawn():
            return ev.CandidateConsentWithdrawn(scope=event.scope)
        case rf.PersonalDataErased():
            return ev.CandidateErased(erased_on=event.erased_on)
    return None


APPEND_ATTEMPTS = 5  # reload-and-decide rounds when a command changed the candidate meanwhile


@dataclass
class ReferralIntake:
    """A bus-fed projection whose 'rows' are candidate events in this service's own store.

    Fail closed: constraints, consents and erasures protect people, so the projector never skips one it
    could read but not apply (it retries). Idempotent: each appended event carries the referrals event it
    comes from as its causation, and a referrals event already applied is skipped, so replaying the
    stream (a rebuild, a redelivery past the checkpoint) appends nothing twice. Latest wins: each carries the
    time of its referrals event, and a consent or constraints older than those stored are skipped.
    """

    fail_closed: ClassVar[bool] = True
    name: str
    consortium: str
    tables: Sequence[Table] = field(default=())

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Append the candidate event for one referrals event, in the projector's transaction."""
        event = translate(recorded.event)
        person_id = getattr(recorded.event, "person_id", None)
        if event is None or person_id is None:
            return
        store = EventStore(conn.engine, REGISTRY)
        for attempt in range(1, APPEND_ATTEMPTS + 1):
            try:
                async with conn.begin_nested():  # a conflict undoes only this attempt
                    appended = await self._append(store, conn, recorded, event, person_id)
                if appended and isinstance(event, ev.CandidateSafetyStored | ev.CandidateTokenStored):
                    await _report_conflicts(store, conn, person_id)
                return
            except ConcurrencyError:
                if attempt == APPEND_ATTEMPTS:
                    raise
                log.warning("intake_retry", attempt=attempt, event_type=recorded.event.event_type)

    async def _append(
        self, store: EventStore, conn: AsyncConnection, recorded: Recorded, event: Event, person_id: str
    ) -> bool:
        """Append the candidate's event (and what it carries); False when there was nothing to append."""
        aggregate = candidate_id(person_id)
        loaded = await store.load(aggregate, conn)
        source = str(recorded.metadata.event_id)
        if any(str(r.metadata.causation_id) == source for r in loaded.events):
            return False  # already applied (a replay)
        if _superseded(loaded.events, event, recorded.metadata.occurred_at):
            return False  # older than what is stored: latest wins, whatever order the messages came in
        history = [r.event for r in loaded.events]
        state = candidate_decider.fold(history)
        events = [event]
        if isinstance(event, ev.CandidateReferred):
            if state is not None:
                return False  # the referral is already here
            # Constraints or tokens that arrived first (another stream), and any consent news that came
            # before the referral, are carried after it.
            events += _latest(history, ev.CandidateSafetyStored) + _latest(history, ev.CandidateTokenStored)
            events += [e for e in history if isinstance(e, ev.CandidateConsentRecorded | ev.CandidateConsentWithdrawn)]
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
        return True


async def _report_conflicts(store: EventStore, conn: AsyncConnection, person_id: str) -> None:
    """Warn when new links or a new token put the person in a keep-apart conflict with someone already placed
    with them (matching refuses such pairs; people placed before the news arrived can only be found now).

    Logs the host and how many pairs only: no token, no person, no placement that would pair two people, no
    direction; ``GET /safety-conflicts`` lists them on demand, for the coordinator. Never
    holds back the constraints: a failed check is logged and undone on its own savepoint.
    """
    try:
        async with conn.begin_nested():
            conflicts = await conflicts_involving(store, person_id, conn)
    except Exception as exc:  # the intake is fail closed: a warning must never block a constraint
        log.error("safety_conflict_check_failed", error=type(exc).__name__)
        return
    for host_id, count in sorted(Counter(found.host_id for found in conflicts).items()):
        log.warning("safety_conflict_detected", host_id=host_id, conflicts=count)


def _superseded(stored: Sequence[Recorded], event: Event, occurred_at: datetime) -> bool:
    """Whether a later consent of the same scope, or later constraints, are already stored.

    Each candidate event carries the time of the referrals event it comes from, so a message applied late (a
    rebuild reading a subject an older intake did not follow) cannot undo newer news: a consent given before
    its withdrawal must not come back in force after it.
    """
    if isinstance(event, ev.CandidateConsentWithdrawn):
        # Never skipped: the times come from a producer's clock, and a withdrawal applied out of order
        # at worst leaves the scope off until it is given again, which is safe.
        return False
    if isinstance(event, ev.CandidateConsentRecorded):
        same: list[Recorded] = [
            r
            for r in stored
            if isinstance(r.event, ev.CandidateConsentRecorded | ev.CandidateConsentWithdrawn)
            and r.event.scope is event.scope
        ]
        return any(r.metadata.occurred_at >= occurred_at for r in same)  # a tie goes to what is stored
    if isinstance(event, ev.CandidateSafetyStored):
        return any(
            r.metadata.occurred_at > occurred_at for r in stored if isinstance(r.event, ev.CandidateSafetyStored)
        )
    return False


def _latest(history: list[Event], kind: type[Event]) -> list[Event]:
    found = [e for e in history if isinstance(e, kind)]
    return found[-1:]
