"""Referrals from the bus become candidates: a thin consumer that turns each referrals event into a command.

Fed by a StreamProjector: the news (``domain.referral_news``) is received as a unit of work joined to the
projector's transaction (``CommandHandler.run_within``), so the candidate's events commit with the checkpoint
and a redelivered message changes nothing; a replayed one is recognised by its causation. What the news means
for the candidate is decided in the domain, not here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar

import structlog
from cantiere_runtime.store import EventStore, Recorded
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.domain import referral_news
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.service_layer.referral_news import receive_referral_news
from cantiere_placements.service_layer.safety_review import conflicts_involving

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


@dataclass
class ReferralIntake:
    """A bus-fed projection whose 'rows' are candidate events in this service's own store.

    Fail closed: constraints, consents and erasures protect people, so the projector never skips one it
    could read but not apply (it retries). Idempotent and latest-wins by the rules of ``domain.referral_news``.
    A concurrent command on the candidate makes the news be decided again on a savepoint (the handler's
    retry), never skipped.
    """

    fail_closed: ClassVar[bool] = True
    name: str
    consortium: str
    tables: Sequence[Table] = field(default=())
    # The service's one command handler (the runtime's, created when it starts). Without one (a tool, a test
    # applying messages by hand) a handler over the projector's engine: ``run_within`` opens no connection.
    commands: Callable[[], CommandHandler] | None = None

    def _handler(self, conn: AsyncConnection) -> CommandHandler:
        if self.commands is not None:
            return self.commands()
        return CommandHandler(conn.engine, EventStore(conn.engine, REGISTRY))

    async def apply(self, conn: AsyncConnection, recorded: Recorded) -> None:
        """Receive one referrals event's news as a command, in the projector's transaction."""
        meta = recorded.metadata
        command = referral_news.receive(recorded.event, meta.event_id, meta.occurred_at, meta.correlation_id)
        if command is None:
            return
        handler = self._handler(conn)
        work = partial(receive_referral_news, command=command, consortium=self.consortium)
        appended = await handler.run_within(conn, work)
        if referral_news.may_put_apart(command, appended):
            await _report_conflicts(handler.store, conn, command.person_id)


async def _report_conflicts(store: EventStore, conn: AsyncConnection, person_id: str) -> None:
    """Warn when new links or a new token put the person in a keep-apart conflict with someone already placed
    with them (matching refuses such pairs; people placed before the news arrived can only be found now).

    Logs the host and how many pairs only: no token, no person, no placement that would pair two people, no
    direction; ``GET /safety-conflicts`` lists them on demand, for the coordinator. Never
    holds back the constraints: a failed check is logged and undone on its own savepoint.
    """
    try:
        async with conn.begin_nested():
            conflicts = await conflicts_involving(UnitOfWork(store, conn), person_id)
    except Exception as exc:  # the intake is fail closed: a warning must never block a constraint
        log.error("safety_conflict_check_failed", error=type(exc).__name__)
        return
    for host_id, count in sorted(Counter(found.host_id for found in conflicts).items()):
        log.warning("safety_conflict_detected", host_id=host_id, conflicts=count)
