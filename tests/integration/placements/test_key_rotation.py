"""Placements' vault, upgraded from the secret-derived key to the keyring: first names written before key ids
still open with CANTIERE_VAULT_SECRET, `vault reencrypt` moves them to the new key, and the old secret retires."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from cantiere_placements.adapters.vault import FirstNameVault, Reader
from cantiere_placements.bootstrap import COMPONENT, keyring_of, load_settings
from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import _config, migrate
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from .fakes import uid

NOW = datetime(2008, 3, 3, tzinfo=UTC)
TUTOR = Reader("u-tutor", "company_tutor", "ati-cantiere", "host tutor page")
SECRET = "an-invented-pre-rotation-secret"
NEW_KEY = "k2:" + base64.b64encode(os.urandom(32)).decode()


async def written_before_key_ids(url: str, names: dict[str, str]) -> None:
    """First names sealed as placements did before key ids: AES-GCM with SHA-256 of the secret, no key id."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.run_sync(
                lambda c: __import__("alembic.command").command.upgrade(_config(COMPONENT, c), "placements_0005")
            )
            aead = AESGCM(hashlib.sha256(SECRET.encode()).digest())
            for person_id, name in names.items():
                nonce = os.urandom(12)
                sealed = aead.encrypt(nonce, name.encode(), person_id.encode())
                await conn.execute(
                    text("INSERT INTO placements_vault (person_id, nonce, sealed, stored_at) VALUES (:p, :n, :s, :t)"),
                    {"p": person_id, "n": nonce, "s": sealed, "t": NOW},
                )
    finally:
        await engine.dispose()


def vault_command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CANTIERE_")}
    return subprocess.run(
        [sys.executable, "-m", "cantiere_placements", "vault", *args],
        env={**base, **env}, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


async def first_names(url: str, env: dict[str, str], people: list[str]) -> dict[str, str | None]:
    settings = load_settings(database_url=url, vault_key=env["CANTIERE_VAULT_KEY"],
                             vault_secret=env.get("CANTIERE_VAULT_SECRET"))  # fmt: skip
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            return {p: await FirstNameVault(keyring_of(settings)).read(conn, p, TUTOR, NOW) for p in people}
    finally:
        await engine.dispose()


async def test_first_names_from_before_key_ids_are_reencrypted_and_the_old_secret_retires(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'placements.db'}"
    names = {uid(n): name for n, name in enumerate(["Giovanna", "Rosa", "Ilaria"], start=1)}
    await written_before_key_ids(url, names)
    env = {"CANTIERE_DATABASE_URL": url, "CANTIERE_ENVIRONMENT": "production", "CANTIERE_VAULT_KEY": NEW_KEY,
           "CANTIERE_VAULT_SECRET": SECRET}  # fmt: skip

    before = vault_command(env, "keys")
    assert before.returncode == 0, before.stderr
    assert "legacy: 3 rows (in use: re-encrypt)" in before.stdout and "k2: 0 rows (current)" in before.stdout
    assert await first_names(url, env, list(names)) == names  # readable after the upgrade, before re-encryption

    moved = vault_command(env, "reencrypt", "--batch", "2")
    assert moved.returncode == 0, moved.stderr
    assert "0/3 (0%)" in moved.stdout and "2/3 (66%)" in moved.stdout and "3/3 (100%)" in moved.stdout
    assert "retired keys (remove from CANTIERE_VAULT_OLD_KEYS): legacy" in moved.stdout
    again = vault_command(env, "reencrypt")
    assert again.returncode == 0 and "re-encrypted 0, 0 left" in again.stdout  # nothing left to do

    without_secret = {k: v for k, v in env.items() if k != "CANTIERE_VAULT_SECRET"}
    after = vault_command(without_secret, "keys")
    assert after.returncode == 0, after.stderr
    assert "k2: 3 rows (current)" in after.stdout and "legacy" not in after.stdout
    assert await first_names(url, without_secret, list(names)) == names
    for secret in (SECRET, NEW_KEY.partition(":")[2]):
        assert secret not in before.stdout + moved.stdout + after.stdout + moved.stderr


async def test_the_vault_command_refuses_while_rows_use_a_key_the_keyring_lacks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'placements.db'}"
    await written_before_key_ids(url, {uid(1): "Giovanna"})
    env = {"CANTIERE_DATABASE_URL": url, "CANTIERE_ENVIRONMENT": "production", "CANTIERE_VAULT_KEY": NEW_KEY,
           "CANTIERE_OIDC_ISSUERS": "[]"}  # fmt: skip
    refused = vault_command(env, "reencrypt")
    assert refused.returncode == 2
    assert "legacy" in refused.stderr and "CANTIERE_VAULT_OLD_KEYS" in refused.stderr
