"""Invented people at every stage of retention, made on past dates, and what the database holds of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from cantiere_events.codes import ClosureReason, ErasureBasis, ReferralWithdrawalReason
from cantiere_referrals.adapters.tables import caseload, vault
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.retention import RetentionPolicy
from cantiere_runtime.schema import events, outbox
from sqlalchemy import func, select

from .instance import WORKER, Instance

POLICY = RetentionPolicy(after_referral_ended_days=365, never_referred_days=180)
AS_OF = date(2024, 6, 30)


def on(instance: Instance, day: date) -> None:
    """Act as if it were that day (the handlers' clock)."""
    instance.svc.clock = lambda: datetime.combine(day, time(9, 30), tzinfo=UTC)


@dataclass(frozen=True)
class People:
    """Ids of invented people, by where they stand on AS_OF under POLICY."""

    closed_long_ago: str
    withdrawn_long_ago: str
    never_referred_long_ago: str
    closed_recently: str
    registered_recently: str
    open_for_years: str
    reopened: str
    erased_on_request: str

    @property
    def due(self) -> set[str]:
        return {self.closed_long_ago, self.withdrawn_long_ago, self.never_referred_long_ago}

    @property
    def kept(self) -> set[str]:
        return {self.closed_recently, self.registered_recently, self.open_for_years, self.reopened}


async def people(bari: Instance) -> People:
    """Register and refer people on past dates, then come back to today."""
    on(bari, date(2021, 1, 11))
    closed_long_ago = await bari.referred(first_name="Calendula", surname="Abetaia")
    withdrawn_long_ago = await bari.referred(first_name="Verbena", surname="Lisciotti")
    never_referred = await bari.register(first_name="Acanto", surname="Rovereti", gender="male")
    open_for_years = await bari.referred(first_name="Malva", surname="Cedronelli")
    reopened = await bari.referred(first_name="Salvia", surname="Tamerici")
    erased = await bari.referred(first_name="Ortica", surname="Frassinelli")
    on(bari, date(2021, 3, 1))
    await bari.svc.handle(WORKER, closed_long_ago, c.CloseReferral(reason=ClosureReason.PATH_COMPLETED))
    await bari.svc.handle(WORKER, withdrawn_long_ago, c.WithdrawReferral(reason=ReferralWithdrawalReason.MOVED_AWAY))
    await bari.svc.handle(WORKER, reopened, c.CloseReferral(reason=ClosureReason.PATH_COMPLETED))
    await bari.svc.handle(WORKER, erased, c.ErasePersonalData(basis=ErasureBasis.DATA_SUBJECT_REQUEST))
    on(bari, date(2023, 9, 4))
    closed_recently = await bari.referred(first_name="Genziana", surname="Olmastri")
    await bari.svc.submit(WORKER, reopened)  # a new referral: the old closure no longer counts
    on(bari, date(2024, 1, 15))
    registered_recently = await bari.register(first_name="Felce", surname="Sorbelli")
    on(bari, date(2024, 1, 16))
    await bari.svc.handle(WORKER, closed_recently, c.CloseReferral(reason=ClosureReason.PATH_COMPLETED))
    bari.svc.clock = lambda: datetime.now(UTC)
    return People(
        closed_long_ago=closed_long_ago,
        withdrawn_long_ago=withdrawn_long_ago,
        never_referred_long_ago=never_referred,
        closed_recently=closed_recently,
        registered_recently=registered_recently,
        open_for_years=open_for_years,
        reopened=reopened,
        erased_on_request=erased,
    )


async def in_vault(instance: Instance) -> set[str]:
    async with instance.runtime.engine.connect() as conn:
        return set((await conn.scalars(select(vault.c.person_id))).all())


async def event_count(instance: Instance) -> int:
    async with instance.runtime.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(events)) or 0)


async def erased_events(instance: Instance) -> dict[str, dict[str, Any]]:
    """Each erased person's PersonErased payload and actor, from the store."""
    query = select(events.c.aggregate_id, events.c.payload, events.c.metadata).where(
        events.c.event_type == "PersonErased"
    )
    async with instance.runtime.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return {str(r.aggregate_id): {**r.payload, "actor": r.metadata["actor"]} for r in rows}


async def erasures_in_outbox(instance: Instance) -> dict[str, bytes]:
    """The PersonalDataErased messages queued for the consortium, by person."""
    query = select(outbox.c.aggregate_id, outbox.c.headers, outbox.c.data)
    async with instance.runtime.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return {str(r.aggregate_id): r.data for r in rows if r.headers.get("ce-type") == "PersonalDataErased"}


async def erased_in_caseload(instance: Instance) -> dict[str, bool]:
    async with instance.runtime.engine.connect() as conn:
        rows = (await conn.execute(select(caseload.c.person_id, caseload.c.erased))).all()
    return {str(r.person_id): bool(r.erased) for r in rows}
