"""Vault key rotation on a real database: new writes under the new key, re-encryption with progress that can
stop and resume, the old key retired, and a service that refuses to start without a key rows still use."""

from __future__ import annotations

import asyncio
import base64
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cantiere_referrals.adapters.tables import keep_apart_codes, vault
from cantiere_referrals.adapters.vault import SEALED_TABLES, PersonalData, Reader, ReadPurpose, Vault
from cantiere_referrals.bootstrap import COMPONENT, load_settings
from cantiere_referrals.entrypoints.api import create_app
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate
from cantiere_runtime.vault import Keyring, VaultKeyError
from cantiere_runtime.vault_rotation import check_keys_in_use, key_usage, reencrypt, retired_keys
from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .support import personal_data

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
READER = Reader("mm-1", "municipal_manager", "bari")
OLD, NEW = os.urandom(32), os.urandom(32)
BEFORE = Keyring("v1", {"v1": OLD})
ROTATED = Keyring.from_settings(
    "k2:" + base64.b64encode(NEW).decode(), old_keys=json.dumps({"v1": base64.b64encode(OLD).decode()})
)
NEW_ONLY = Keyring("k2", {"k2": NEW})


def pid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


@pytest.fixture
async def people(engine: AsyncEngine) -> dict[str, PersonalData]:
    """Seven people stored under the old key, three of them with keep-apart codes."""
    await migrate(engine, COMPONENT)
    stored = {}
    async with engine.begin() as conn:
        for n in range(7):
            data = PersonalData(**personal_data())
            await Vault(BEFORE).store(conn, pid(n), data, NOW)
            if n % 2:
                await Vault(BEFORE).store_keep_apart_codes(conn, pid(n), [f"RSSMRA80A01Z{n:03d}X"], NOW)
            stored[pid(n)] = data
    return stored


async def everyone(engine: AsyncEngine, keys: Keyring) -> dict[str, PersonalData | None]:
    async with engine.begin() as conn:
        return {
            p: await Vault(keys).read(conn, p, READER, ReadPurpose.AUDIT, NOW) for p in await Vault(keys).people(conn)
        }


async def test_after_rotation_new_writes_use_the_new_key_and_old_records_still_open(
    engine: AsyncEngine, people: dict[str, PersonalData]
) -> None:
    newcomer = PersonalData(**personal_data())
    async with engine.begin() as conn:
        await Vault(ROTATED).store(conn, pid(99), newcomer, NOW)
        key_of = dict((await conn.execute(select(vault.c.person_id, vault.c.key_id))).all())
    assert key_of[pid(99)] == "k2" and {key_of[p] for p in people} == {"v1"}
    assert await everyone(engine, ROTATED) == {**people, pid(99): newcomer}


async def test_reencryption_moves_every_record_to_the_new_key_then_the_old_key_is_retired(
    engine: AsyncEngine, people: dict[str, PersonalData]
) -> None:
    seen: list[tuple[int, int]] = []
    report = await reencrypt(engine, ROTATED, SEALED_TABLES, lambda done, total: seen.append((done, total)), batch=3)
    assert report.moved == 10 and report.remaining == 0  # 7 identities and 3 keep-apart records
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and len(seen) > 3  # batch by batch
    assert report.usage == {"k2": 10} and retired_keys(ROTATED, report.usage) == ["v1"]
    assert await everyone(engine, NEW_ONLY) == people  # the old key is no longer needed
    async with engine.connect() as conn:
        codes = await Vault(NEW_ONLY).open_keep_apart_codes(conn, pid(1))
    assert codes == ("RSSMRA80A01Z001X",)
    again = await reencrypt(engine, ROTATED, SEALED_TABLES)
    assert again.moved == 0 and again.usage == {"k2": 10}  # idempotent


async def test_a_reencryption_stopped_halfway_loses_nothing_and_resumes(
    engine: AsyncEngine, people: dict[str, PersonalData]
) -> None:
    class Stopped(Exception):
        pass

    def stop_after_the_first_batch(done: int, total: int) -> None:
        if done:
            raise Stopped

    with pytest.raises(Stopped):
        await reencrypt(engine, ROTATED, SEALED_TABLES, stop_after_the_first_batch, batch=2)
    async with engine.connect() as conn:
        assert await key_usage(conn, SEALED_TABLES) == {"k2": 2, "v1": 8}
    assert await everyone(engine, ROTATED) == people  # half moved, all readable
    resumed = await reencrypt(engine, ROTATED, SEALED_TABLES, batch=2)
    assert resumed.moved == 8 and resumed.usage == {"k2": 10}
    assert await everyone(engine, NEW_ONLY) == people


async def test_a_keyring_without_a_key_rows_still_use_is_refused(
    engine: AsyncEngine, people: dict[str, PersonalData]
) -> None:
    with pytest.raises(VaultKeyError, match="v1"):
        await check_keys_in_use(engine, NEW_ONLY, SEALED_TABLES)
    with pytest.raises(VaultKeyError, match="v1"):
        await reencrypt(engine, NEW_ONLY, SEALED_TABLES)
    await check_keys_in_use(engine, ROTATED, SEALED_TABLES)
    async with engine.connect() as conn:
        assert (await conn.execute(select(keep_apart_codes.c.key_id).distinct())).scalars().all() == ["v1"]


async def test_a_key_id_that_names_another_key_is_refused(engine: AsyncEngine, people: dict[str, PersonalData]) -> None:
    impostor = Keyring("v1", {"v1": os.urandom(32)})
    with pytest.raises(VaultKeyError, match="cannot be opened with the key 'v1'"):
        await check_keys_in_use(engine, impostor, SEALED_TABLES)


async def test_the_service_refuses_to_start_without_a_key_its_rows_use(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bari.db'}"
    engine = create_engine(url)
    try:
        await migrate(engine, COMPONENT)
        async with engine.begin() as conn:
            await Vault(BEFORE).store(conn, pid(1), PersonalData(**personal_data()), NOW)
    finally:
        await engine.dispose()
    rotated_without_old = load_settings(
        database_url=url, environment="test", vault_key="k2:" + base64.b64encode(NEW).decode()
    )
    app = create_app(rotated_without_old, connect_nats=False)
    with pytest.raises(VaultKeyError, match="v1"):
        async with app.router.lifespan_context(app):
            pass
    rotated = rotated_without_old.model_copy(
        update={"vault_old_keys": SecretStr(json.dumps({"v1": base64.b64encode(OLD).decode()}))}
    )
    app = create_app(rotated, connect_nats=False)
    async with app.router.lifespan_context(app):
        assert app.state.referrals.vault.key_id == "k2"


def test_an_ambito_process_rotates_each_municipality_s_vault_with_its_own_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cantiere_referrals.entrypoints.cli import app
    from typer.testing import CliRunner

    keys = {m: (os.urandom(32), os.urandom(32)) for m in ("triggiano", "capurso")}

    async def stored_under_old_keys() -> None:
        for m, (old, _new) in keys.items():
            engine = create_engine(f"sqlite:///{tmp_path / f'{m}.db'}")
            try:
                await migrate(engine, COMPONENT)
                async with engine.begin() as conn:
                    for n in range(3 if m == "triggiano" else 2):
                        await Vault(Keyring("v1", {"v1": old})).store(
                            conn, pid(n), PersonalData(**personal_data()), NOW
                        )
            finally:
                await engine.dispose()

    asyncio.run(stored_under_old_keys())
    for key in [k for k in os.environ if k.startswith("CANTIERE_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("CANTIERE_PARTNER", "ambito-triggiano")
    monkeypatch.setenv("CANTIERE_MUNICIPALITIES", '["triggiano", "capurso"]')
    for m, (old, new) in keys.items():
        prefix = f"CANTIERE_MUNICIPALITY__{m.upper()}__"
        monkeypatch.setenv(prefix + "DATABASE_URL", f"sqlite:///{tmp_path / f'{m}.db'}")
        monkeypatch.setenv(prefix + "VAULT_KEY", f"{m}-2:" + base64.b64encode(new).decode())
        monkeypatch.setenv(prefix + "VAULT_OLD_KEYS", json.dumps({"v1": base64.b64encode(old).decode()}))
    runner = CliRunner()
    moved = runner.invoke(app, ["vault", "reencrypt"])
    assert moved.exit_code == 0, moved.output
    assert "== triggiano" in moved.output and "3/3 (100%)" in moved.output and "triggiano-2" in moved.output
    assert "== capurso" in moved.output and "2/2 (100%)" in moved.output and "capurso-2" in moved.output
    shown = runner.invoke(app, ["vault", "keys"])
    assert shown.exit_code == 0, shown.output
    assert "triggiano-2: 3 rows (current)" in shown.output and "capurso-2: 2 rows (current)" in shown.output
    assert shown.output.count("v1: 0 rows (retired: may be removed)") == 2
