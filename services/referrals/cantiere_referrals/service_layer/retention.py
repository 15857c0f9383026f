"""Erasure when the retention period has run: every person due as of a date, erased as on a data subject's request.

Each erasure goes through `Referrals.erase_if`, so it records `PersonErased`, queues
`PersonalDataErased` for the consortium (for a referred person) and deletes the vault
entry in one transaction, exactly like an erasure a social worker asks for. The file
is read again inside that transaction, so a referral reopened meanwhile is respected.
The date comes from the caller: the command line is the only place with a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import partial

import structlog
from cantiere_events.codes import ErasureBasis
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.schema import events
from sqlalchemy import select

from cantiere_referrals.domain import events as e
from cantiere_referrals.domain.person import Person
from cantiere_referrals.domain.retention import RetentionPolicy, due_for_erasure
from cantiere_referrals.service_layer.handlers import Referrals

log = structlog.get_logger("cantiere.referrals.retention")

# Recorded as the actor of every erasure by retention: a pseudonymous id, never a person.
RETENTION_USER_ID = "system:retention"


def retention_principal(partner: str) -> Principal:
    """The system actor of the retention job: the municipality's manager role, no district, no more rights."""
    return Principal(user_id=RETENTION_USER_ID, role=Role.MUNICIPAL_MANAGER, partner=partner)


class Outcome(StrEnum):
    """What happened to one person due for erasure."""

    ERASED = "erased"
    WOULD_ERASE = "would_erase"  # dry run
    NO_LONGER_DUE = "no_longer_due"  # changed between the scan and the erasure (e.g. a new referral)
    FAILED = "failed"


@dataclass
class RetentionReport:
    """The outcome of one run: person ids (pseudonymous) by outcome, failures with the error's kind only."""

    as_of: date
    dry_run: bool
    checked: int = 0
    erased: list[str] = field(default_factory=list)
    would_erase: list[str] = field(default_factory=list)
    no_longer_due: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


Progress = Callable[[str, Outcome], None]


async def people_not_erased(svc: Referrals) -> list[str]:
    """The ids of every person in this municipality's log whose data were not erased yet."""
    erased = select(events.c.aggregate_id).where(events.c.event_type == e.PersonErased.event_type)
    query = (
        select(events.c.aggregate_id)
        .where(events.c.event_type == e.PersonRegistered.event_type)
        .where(events.c.aggregate_id.not_in(erased))
        .order_by(events.c.aggregate_id)
    )
    async with svc.engine.connect() as conn:
        return [str(pid) for pid in (await conn.scalars(query)).all()]


async def erase_expired(
    svc: Referrals,
    policy: RetentionPolicy,
    *,
    as_of: date,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> RetentionReport:
    """Erase (or, in a dry run, list) every person whose retention period has run as of `as_of`.

    Idempotent: erased people are skipped. One failure does not stop the rest; it is reported.
    """
    report = RetentionReport(as_of=as_of, dry_run=dry_run)
    principal = retention_principal(svc.partner)
    still_due = partial(due_for_erasure, policy=policy, today=as_of)
    for person_id in await people_not_erased(svc):
        report.checked += 1
        try:
            outcome = await _one(svc, principal, person_id, still_due, dry_run)
        except Exception as exc:  # one person's failure must not stop the others
            log.error("retention_erasure_failed", person_id=person_id, kind=type(exc).__name__)
            report.failed.append((person_id, type(exc).__name__))
            outcome = Outcome.FAILED
        if outcome is None:
            continue
        if outcome is Outcome.ERASED:
            report.erased.append(person_id)
        elif outcome is Outcome.WOULD_ERASE:
            report.would_erase.append(person_id)
        elif outcome is Outcome.NO_LONGER_DUE:
            report.no_longer_due.append(person_id)
        if progress is not None:
            progress(person_id, outcome)
    return report


async def _one(
    svc: Referrals, principal: Principal, person_id: str, still_due: Callable[[Person | None], bool], dry_run: bool
) -> Outcome | None:
    state, _ = await svc.load(person_id)
    if not still_due(state):
        return None
    if dry_run:
        return Outcome.WOULD_ERASE
    erased = await svc.erase_if(principal, person_id, ErasureBasis.RETENTION_EXPIRED, still_due)
    return Outcome.ERASED if erased else Outcome.NO_LONGER_DUE
