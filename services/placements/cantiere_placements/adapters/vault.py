"""The placements vault: the first name a host's pages show, encrypted at rest, erased with the person."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime

from cantiere_runtime.metrics import VAULT_READS
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.tables import personal_data_reads, vault

NONCE_BYTES = 12


@dataclass(frozen=True)
class Reader:
    """Who reads personal data, and why (for the audit log)."""

    user_id: str
    role: str
    partner: str
    why: str


@dataclass(frozen=True)
class FirstNameVault:
    """AES-GCM with the person id as associated data, so a row copied to another person does not decrypt."""

    secret: str

    @property
    def _aead(self) -> AESGCM:
        return AESGCM(hashlib.sha256(self.secret.encode()).digest())

    async def put(self, conn: AsyncConnection, person_id: str, first_name: str, now: datetime) -> None:
        """Keep (or replace) a person's first name."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, first_name.encode(), person_id.encode())
        await conn.execute(delete(vault).where(vault.c.person_id == person_id))
        await conn.execute(insert(vault).values(person_id=person_id, nonce=nonce, sealed=sealed, stored_at=now))

    async def read(self, conn: AsyncConnection, person_id: str, reader: Reader, now: datetime) -> str | None:
        """A person's first name, the read recorded in the audit log (None if not kept or erased)."""
        row = (await conn.execute(select(vault).where(vault.c.person_id == person_id))).mappings().first()
        name = None
        if row is not None:
            try:
                name = self._aead.decrypt(row["nonce"], row["sealed"], person_id.encode()).decode()
            except InvalidTag:
                name = None
        await conn.execute(
            insert(personal_data_reads).values(
                person_id=person_id,
                user_id=reader.user_id,
                role=reader.role,
                partner=reader.partner,
                what="first_name",
                why=reader.why[:200],
                answered=name is not None,
                read_at=now,
            )
        )
        VAULT_READS.labels("placements", reader.partner, "first_name").inc()
        return name

    @staticmethod
    async def erase(conn: AsyncConnection, person_id: str) -> None:
        """Forget everything the vault holds about a person."""
        await conn.execute(delete(vault).where(vault.c.person_id == person_id))
