"""The vault: nothing readable at rest, every read audited, erasure removes the record."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cantiere_referrals.adapters.vault import PersonalData, Reader, ReadPurpose, Vault, reads_of
from cantiere_referrals.bootstrap import COMPONENT
from cantiere_runtime.migrate import migrate
from sqlalchemy.ext.asyncio import AsyncEngine

from .support import personal_data, sensitive_values

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
PID = "6d1f2a9e-2b3c-4d5e-8f90-0a1b2c3d4e5f"
READER = Reader("sw-7", "social_worker", "bari")


@pytest.fixture
async def vault_db(engine: AsyncEngine) -> AsyncEngine:
    await migrate(engine, COMPONENT)
    return engine


def vault() -> Vault:
    return Vault(os.urandom(32))


async def test_the_database_file_holds_no_readable_personal_data(vault_db: AsyncEngine) -> None:
    if vault_db.url.get_backend_name() != "sqlite":
        pytest.skip("reads the SQLite file itself")
    data = personal_data()
    async with vault_db.begin() as conn:
        await vault().store(conn, PID, PersonalData(**data), NOW)
    await vault_db.dispose()  # checkpoint the WAL into the file
    database = vault_db.url.database
    assert database
    raw = b"".join(p.read_bytes() for p in Path(database).parent.glob(Path(database).name + "*"))
    assert PID.encode() in raw  # the file was read: ids are stored in clear, identity is not
    for value in sensitive_values(data):
        assert value.encode() not in raw
        assert base64.b64encode(value.encode()) not in raw


async def test_every_read_is_audited_with_who_role_partner_and_why(vault_db: AsyncEngine) -> None:
    v = vault()
    async with vault_db.begin() as conn:
        await v.store(conn, PID, PersonalData(**personal_data()), NOW)
        first = await v.read(conn, PID, READER, ReadPurpose.CASE_MANAGEMENT, NOW)
        await v.read(
            conn,
            PID,
            Reader("op-3", "placement_operator", "ati-cantiere"),
            ReadPurpose.CONSORTIUM_CONTACT_REQUEST,
            NOW,
            fields=("phone",),
        )
        trail = await reads_of(conn, PID)
    assert first is not None and first.surname == "Quartarella"
    assert [(r["user_id"], r["role"], r["partner"], r["purpose"], r["fields"]) for r in trail] == [
        ("sw-7", "social_worker", "bari", "case_management", "all"),
        ("op-3", "placement_operator", "ati-cantiere", "consortium_contact_request", "phone"),
    ]


async def test_erasure_removes_the_record_and_the_audit_keeps_only_ids(vault_db: AsyncEngine) -> None:
    v = vault()
    data = personal_data()
    async with vault_db.begin() as conn:
        await v.store(conn, PID, PersonalData(**data), NOW)
        await v.read(conn, PID, READER, ReadPurpose.CASE_MANAGEMENT, NOW)
        assert await v.erase(conn, PID)
        assert await v.read(conn, PID, READER, ReadPurpose.AUDIT, NOW) is None
        trail = await reads_of(conn, PID)
    assert len(trail) == 2
    assert not any(value in str(trail) for value in sensitive_values(data))


async def test_a_record_cannot_be_opened_under_another_persons_id(vault_db: AsyncEngine) -> None:
    from cantiere_referrals.adapters.tables import vault as vault_table
    from cantiere_referrals.adapters.vault import VaultKeyError
    from sqlalchemy import update

    v = vault()
    other = "7e2f3b0f-3c4d-4e6f-9a01-1b2c3d4e5f60"
    async with vault_db.begin() as conn:
        await v.store(conn, PID, PersonalData(**personal_data()), NOW)
        await conn.execute(update(vault_table).values(person_id=other))  # a row moved to someone else's id
        with pytest.raises(VaultKeyError):
            await v.read(conn, other, READER, ReadPurpose.AUDIT, NOW)
