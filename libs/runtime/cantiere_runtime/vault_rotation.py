"""Key rotation over a service's sealed tables: which keys rows use, refuse a keyring that lacks one, re-encrypt.

A key is *retired* when no row uses it any more; it may then leave the keyring. Re-encryption moves rows to
the current key in small committed batches: stopping it halfway loses nothing (each row is either still under
its old key or already under the new one) and running it again continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_runtime.vault import Keyring, Sealed, VaultKeyError

BATCH = 200


@dataclass(frozen=True)
class SealedTable:
    """A table whose rows hold one sealed value: its key column, the sealed columns, the associated data."""

    table: sa.Table
    associated: Callable[[Any], bytes]  # from a row: what the value was sealed with (e.g. the person id)
    id_column: str = "person_id"
    key_id_column: str = "key_id"
    nonce_column: str = "nonce"
    ciphertext_column: str = "ciphertext"

    def sealed(self, row: Any) -> Sealed:
        """The sealed value of a row."""
        return Sealed(row[self.key_id_column], row[self.nonce_column], row[self.ciphertext_column])

    def values(self, sealed: Sealed) -> dict[str, object]:
        """The columns to write for a sealed value."""
        return {
            self.key_id_column: sealed.key_id,
            self.nonce_column: sealed.nonce,
            self.ciphertext_column: sealed.ciphertext,
        }


async def key_usage(conn: AsyncConnection, tables: Sequence[SealedTable]) -> dict[str, int]:
    """How many rows each key id seals, over every sealed table."""
    usage: dict[str, int] = {}
    for spec in tables:
        column = spec.table.c[spec.key_id_column]
        for key_id, count in await conn.execute(sa.select(column, sa.func.count()).group_by(column)):
            usage[key_id] = usage.get(key_id, 0) + count
    return usage


async def check_keys_in_use(engine: AsyncEngine, keyring: Keyring, tables: Sequence[SealedTable]) -> None:
    """Refuse (VaultKeyError) a keyring that cannot open what rows hold: a key id rows use is missing, or the key
    under that id is not the one that sealed them (one row per key id and table is opened to prove it)."""
    async with engine.connect() as conn:
        missing = sorted(set(await key_usage(conn, tables)) - keyring.ids)
        if missing:
            raise VaultKeyError(
                f"rows of the vault are sealed with key(s) {', '.join(missing)}, which the keyring lacks: add them "
                "to CANTIERE_VAULT_OLD_KEYS until `vault reencrypt` has moved their rows to the current key"
            )
        for spec in tables:
            column = spec.table.c[spec.key_id_column]
            for key_id in (await conn.execute(sa.select(column).distinct())).scalars():
                row = (await conn.execute(sa.select(spec.table).where(column == key_id).limit(1))).mappings().one()
                keyring.open(spec.sealed(row), spec.associated(row))  # VaultKeyError: a wrong key under this id


@dataclass
class Reencryption:
    """What a re-encryption did: rows moved to the current key, and the key ids no row uses any more."""

    current: str
    moved: int = 0
    remaining: int = 0
    usage: dict[str, int] = field(default_factory=dict)


def retired_keys(keyring: Keyring, usage: dict[str, int]) -> list[str]:
    """The older keys of the keyring that no row uses any more: they may leave the keyring."""
    return sorted(k for k in keyring.ids if k != keyring.current_id and not usage.get(k))


async def pending(conn: AsyncConnection, keyring: Keyring, tables: Sequence[SealedTable]) -> int:
    """Rows not yet under the current key."""
    usage = await key_usage(conn, tables)
    return sum(n for key_id, n in usage.items() if key_id != keyring.current_id)


async def reencrypt(
    engine: AsyncEngine,
    keyring: Keyring,
    tables: Sequence[SealedTable],
    progress: Callable[[int, int], None] = lambda done, total: None,
    batch: int = BATCH,
) -> Reencryption:
    """Move every row to the current key, one committed batch at a time; ``progress(done, total)`` after each.

    A row is rewritten only if it still holds what was read (same key id and nonce), so a value the running
    service replaced meanwhile is left as the service wrote it (already under the current key).
    """
    await check_keys_in_use(engine, keyring, tables)
    async with engine.connect() as conn:
        total = await pending(conn, keyring, tables)
    report = Reencryption(keyring.current_id)
    progress(0, total)
    for spec in tables:
        t = spec.table
        key_id, ident = t.c[spec.key_id_column], t.c[spec.id_column]
        after: object = None
        while True:
            async with engine.begin() as conn:
                query = sa.select(t).where(key_id != keyring.current_id).order_by(ident).limit(batch)
                if after is not None:
                    query = query.where(ident > after)
                rows = (await conn.execute(query)).mappings().all()
                for row in rows:
                    associated = spec.associated(row)
                    resealed = keyring.seal(keyring.open(spec.sealed(row), associated), associated)
                    still = (ident == row[spec.id_column]) & (key_id == row[spec.key_id_column])
                    still &= t.c[spec.nonce_column] == row[spec.nonce_column]
                    result = await conn.execute(sa.update(t).where(still).values(**spec.values(resealed)))
                    report.moved += result.rowcount or 0
            if not rows:
                break
            after = rows[-1][spec.id_column]
            progress(min(report.moved, total), total)
    async with engine.connect() as conn:
        report.usage = await key_usage(conn, tables)
        report.remaining = await pending(conn, keyring, tables)
    return report
