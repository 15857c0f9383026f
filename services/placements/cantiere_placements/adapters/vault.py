"""The placements vault: the first name a host's pages show, encrypted at rest, erased with the person.

Sealed with the shared keyring (``cantiere_runtime.vault``: AES-GCM, key ids, rotation); the person id is the
associated data, so a row copied to another person does not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cantiere_runtime.metrics import VAULT_READS
from cantiere_runtime.vault import Keyring, Sealed, VaultKeyError
from cantiere_runtime.vault_rotation import SealedTable
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_placements.adapters.tables import personal_data_reads, vault

# What key rotation re-encrypts.
SEALED_TABLES = (SealedTable(vault, lambda row: row["person_id"].encode(), ciphertext_column="sealed"),)


@dataclass(frozen=True)
class Reader:
    """Who reads personal data, and why (for the audit log)."""

    user_id: str
    role: str
    partner: str
    why: str


@dataclass(frozen=True)
class FirstNameVault:
    """First names by person id, sealed with the current key of the keyring."""

    keys: Keyring

    async def put(self, conn: AsyncConnection, person_id: str, first_name: str, now: datetime) -> None:
        """Keep (or replace) a person's first name."""
        sealed = self.keys.seal(first_name.encode(), person_id.encode())
        await conn.execute(delete(vault).where(vault.c.person_id == person_id))
        await conn.execute(
            insert(vault).values(
                person_id=person_id, key_id=sealed.key_id, nonce=sealed.nonce, sealed=sealed.ciphertext, stored_at=now
            )
        )

    async def read(self, conn: AsyncConnection, person_id: str, reader: Reader, now: datetime) -> str | None:
        """A person's first name, the read recorded in the audit log (None if not kept, erased or not opened)."""
        row = (await conn.execute(select(vault).where(vault.c.person_id == person_id))).mappings().first()
        name = None
        if row is not None:
            try:
                name = self.keys.open(Sealed(row["key_id"], row["nonce"], row["sealed"]), person_id.encode()).decode()
            except VaultKeyError:
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
