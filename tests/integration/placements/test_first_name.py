"""The first name and an erasure: the vault write and the erasure are decided against the same candidate version."""

from __future__ import annotations

import asyncio
import os
from datetime import date
from typing import Any

import pytest
from cantiere_events import Metadata, Producer
from cantiere_events.codes import ErasureBasis
from cantiere_events.referrals import PersonalDataErased
from cantiere_placements.adapters.intake import ReferralIntake
from cantiere_placements.adapters.tables import vault
from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.service_layer.contacts import keep_first_name
from cantiere_placements.service_layer.unit import candidate_id
from cantiere_runtime.db import is_sqlite
from cantiere_runtime.store import CommandContext, Loaded, Recorded, envelope_for
from cantiere_runtime.vault import Keyring
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import FakeReferrals, on, uid
from .test_service_layer import CONSORTIUM, receive, service

NAMES = FirstNameVault(Keyring("v1", {"v1": os.urandom(32)}))


async def erase(engine: AsyncEngine, person: int, position: int) -> None:
    """The municipality's erasure arrives through the intake (which also empties the vault)."""
    event = PersonalDataErased(
        person_id=uid(person), referral_id=uid(1000 + person), basis=ErasureBasis.DATA_SUBJECT_REQUEST,
        erased_on=date(2008, 3, 9),
    )  # fmt: skip
    ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(date(2008, 3, 9)).now)
    metadata: Metadata = envelope_for(event, uid(person), 2, ctx).metadata
    async with engine.begin() as conn:
        await ReferralIntake("intake", CONSORTIUM).apply(conn, Recorded(event, metadata, position))


async def kept(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(vault.c.person_id))).scalars())


async def test_a_first_name_put_after_the_erasure_is_refused(engine: AsyncEngine) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    await erase(engine, 1, position=2)
    with pytest.raises(WrongState, match="erased"):
        await keep_first_name(svc, NAMES, uid(1), "Rosa", on(date(2008, 3, 10)))
    assert await kept(engine) == []


async def test_an_erasure_between_the_check_and_the_vault_write_makes_the_write_fail(engine: AsyncEngine) -> None:
    # On PostgreSQL the erasure commits after the check saw the person not erased: the append at the version
    # the check saw fails, and the decision taken again refuses. On SQLite the unit of work holds the write
    # lock from its check to its commit: the erasure, arriving meanwhile, waits and lands after the name,
    # which it then erases with the person.
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    real_load = svc.store.load
    raced: list[asyncio.Task[None]] = []

    async def load_then_erase(aggregate_id: str, conn: Any = None) -> Loaded:
        loaded = await real_load(aggregate_id, conn)
        if aggregate_id == candidate_id(uid(1)) and not raced:
            raced.append(asyncio.create_task(erase(engine, 1, position=2)))  # recorded after the check
            if not is_sqlite(engine):
                await raced[0]
        return loaded

    svc.store.load = load_then_erase  # type: ignore[method-assign]
    if is_sqlite(engine):
        await keep_first_name(svc, NAMES, uid(1), "Rosa", on(date(2008, 3, 10)))
    else:
        with pytest.raises(WrongState, match="erased"):
            await keep_first_name(svc, NAMES, uid(1), "Rosa", on(date(2008, 3, 10)))
    await raced[0]
    assert await kept(engine) == []
    history = [r.event for r in (await real_load(candidate_id(uid(1)))).events]
    kept_events = [e for e in history if isinstance(e, ev.CandidateFirstNameKept | ev.CandidateErased)]
    if is_sqlite(engine):
        assert [type(e).__name__ for e in kept_events] == ["CandidateFirstNameKept", "CandidateErased"]
    else:
        assert not any(isinstance(e, ev.CandidateFirstNameKept) for e in history)


async def test_a_first_name_kept_before_the_erasure_is_erased_with_the_person(engine: AsyncEngine) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    await keep_first_name(svc, NAMES, uid(1), "Rosa", on(date(2008, 3, 4)))
    assert await kept(engine) == [uid(1)]
    await erase(engine, 1, position=2)
    assert await kept(engine) == []
