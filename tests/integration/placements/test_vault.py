"""The placements vault: a first name is encrypted at rest, every read audited, erased with the person."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from cantiere_events.codes import ErasureBasis
from cantiere_events.referrals import PersonalDataErased
from cantiere_placements.adapters.tables import personal_data_reads, vault
from cantiere_placements.adapters.vault import FirstNameVault, Reader
from cantiere_placements.bootstrap import COMPONENT
from cantiere_runtime.migrate import migrate
from cantiere_runtime.vault import Keyring
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import uid
from .harness import Running, until
from .test_safety_over_nats import STAFF, accepted_candidate, publish

NOW = datetime(2008, 3, 3, tzinfo=UTC)
TUTOR = Reader("u-tutor", "company_tutor", "ati-cantiere", "host tutor page")


async def test_a_first_name_is_stored_encrypted_and_each_read_is_audited(engine: AsyncEngine) -> None:
    await migrate(engine, COMPONENT)
    names = FirstNameVault(Keyring("v1", {"v1": os.urandom(32)}))
    async with engine.begin() as conn:
        await names.put(conn, uid(1), "Giovanna", NOW)
        sealed = (await conn.execute(select(vault.c.sealed))).scalar_one()
        assert b"Giovanna" not in sealed
        assert await names.read(conn, uid(1), TUTOR, NOW) == "Giovanna"
        assert await FirstNameVault(Keyring("v1", {"v1": os.urandom(32)})).read(conn, uid(1), TUTOR, NOW) is None
        reads = (await conn.execute(select(personal_data_reads.c.what, personal_data_reads.c.answered))).all()
    assert [tuple(r) for r in reads] == [("first_name", True), ("first_name", False)]


async def test_erasure_at_the_municipality_erases_the_first_name_here(service: Running, nats_url: str) -> None:
    person = await accepted_candidate(service, nats_url, 5)
    named = await service.http.put(f"/candidates/{person}/first-name", json={"first_name": "Rosa"}, headers=STAFF)
    assert named.status_code == 204
    erased = PersonalDataErased(
        person_id=uid(5), referral_id=uid(1005), basis=ErasureBasis.DATA_SUBJECT_REQUEST, erased_on=date(2008, 3, 9)
    )
    await publish(nats_url, erased, 5, 3)
    engine = service.app.state.runtime.engine

    async def applied() -> bool:
        file = (await service.http.get(f"/candidates/{person}", headers=STAFF)).json()
        return bool(file["stage"] == "erased")

    await until(applied)
    async with engine.connect() as conn:
        assert (await conn.execute(select(vault))).first() is None
    again = await service.http.put(f"/candidates/{person}/first-name", json={"first_name": "Rosa"}, headers=STAFF)
    assert again.status_code == 409 and "erased" in again.text
    async with engine.connect() as conn:
        assert (await conn.execute(select(vault))).first() is None
