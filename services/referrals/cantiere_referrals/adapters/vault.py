"""The personal-data vault: identity encrypted at rest (the shared keyring: AES-GCM with key ids, person id as
associated data), reads audited."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from cantiere_events.codes import Gender
from cantiere_runtime.metrics import VAULT_READS
from cantiere_runtime.vault import Keyring, Sealed, VaultKeyError, decode_key
from cantiere_runtime.vault_rotation import SealedTable
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cantiere_referrals.adapters.tables import keep_apart_codes, personal_data_reads, vault
from cantiere_referrals.domain.errors import InvalidTaxCode
from cantiere_referrals.domain.identity import valid_tax_code

__all__ = ["SEALED_TABLES", "PersonalData", "ReadPurpose", "Reader", "Vault", "VaultKeyError", "vault_key"]


def _keep_apart_associated(person_id: str) -> bytes:
    return f"{person_id}|keep-apart".encode()


# What key rotation re-encrypts: every sealed table of the service, with the associated data of its rows.
SEALED_TABLES = (
    SealedTable(vault, lambda row: row["person_id"].encode()),
    SealedTable(keep_apart_codes, lambda row: _keep_apart_associated(row["person_id"])),
)


class PersonalData(BaseModel):
    """Who a person is: lives only in the vault, never in an event, a subject, a header or a log."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    first_name: str = Field(min_length=1, max_length=100)
    surname: str = Field(min_length=1, max_length=100)
    tax_code: str = Field(description="codice fiscale, validated with its check character")
    birth_date: date
    gender: Gender
    phone: str | None = Field(default=None, pattern=r"^\+?[0-9][0-9 ./-]{5,24}$")
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    home_address: str | None = Field(default=None, max_length=300)
    notes: str | None = Field(default=None, max_length=5000)

    @field_validator("tax_code")
    @classmethod
    def _valid_tax_code(cls, value: str) -> str:
        try:
            return valid_tax_code(value)
        except InvalidTaxCode:
            raise ValueError("codice fiscale non valido / invalid tax code") from None

    def contact_details(self) -> dict[str, str | None]:
        """What the consortium may ask for under consent: how to reach the person, nothing more."""
        return {"first_name": self.first_name, "surname": self.surname, "phone": self.phone, "email": self.email}

    def __repr__(self) -> str:  # keeps identity out of tracebacks and debug logs
        return "PersonalData(<hidden>)"

    __str__ = __repr__


class ReadPurpose(StrEnum):
    """Why personal data were read: recorded in the audit log with every read."""

    CASE_MANAGEMENT = "case_management"
    CONTACT_PERSON = "contact_person"
    DATA_SUBJECT_ACCESS = "data_subject_access"
    REFERRAL_SUBMISSION = "referral_submission"  # the birth date refreshes the age band
    CONSORTIUM_CONTACT_REQUEST = "consortium_contact_request"
    AUDIT = "audit"
    TOKEN_REISSUE = "token_reissue"  # noqa: S105 - a purpose, not a secret: the tax codes make the keep-apart tokens again (canonical form)


@dataclass(frozen=True)
class Reader:
    """Who reads personal data: pseudonymous user id, role, partner (the consortium for its requests)."""

    user_id: str
    role: str
    partner: str


def vault_key(encoded: str) -> bytes:
    """The AES-256 key from its base64 text (settings)."""
    return decode_key(encoded)


class Vault:
    """Encrypted personal data per person; callers pass the transaction, so writes commit with their events."""

    def __init__(self, keys: Keyring | bytes, key_id: str = "v1") -> None:
        self.keys = keys if isinstance(keys, Keyring) else Keyring(key_id, {key_id: keys})

    @property
    def key_id(self) -> str:
        """The id of the key new records are sealed with."""
        return self.keys.current_id

    def __repr__(self) -> str:
        return f"Vault({self.keys!r})"

    async def store(self, conn: AsyncConnection, person_id: str, data: PersonalData, now: datetime) -> None:
        """Encrypt and keep a person's data (the current key, a fresh nonce per record)."""
        sealed = self.keys.seal(data.model_dump_json().encode(), person_id.encode())
        await conn.execute(
            insert(vault).values(
                person_id=person_id,
                key_id=sealed.key_id,
                nonce=sealed.nonce,
                ciphertext=sealed.ciphertext,
                stored_at=now,
            )
        )

    async def store_keep_apart_codes(
        self, conn: AsyncConnection, person_id: str, codes: Sequence[str], now: datetime
    ) -> None:
        """Seal the keep-apart tax codes of a person (canonical forms), replacing earlier ones; none: delete."""
        await conn.execute(delete(keep_apart_codes).where(keep_apart_codes.c.person_id == person_id))
        if not codes:
            return
        sealed = self.keys.seal(json.dumps(sorted(codes)).encode(), _keep_apart_associated(person_id))
        await conn.execute(
            insert(keep_apart_codes).values(
                person_id=person_id,
                key_id=sealed.key_id,
                nonce=sealed.nonce,
                ciphertext=sealed.ciphertext,
                stored_at=now,
            )
        )

    async def read_keep_apart_codes(
        self, conn: AsyncConnection, person_id: str, reader: Reader, purpose: ReadPurpose, now: datetime
    ) -> tuple[str, ...]:
        """The keep-apart tax codes of a person (none kept: empty), after recording the read like ``read``."""
        await self._audit(conn, person_id, reader, purpose, now, ("keep_apart_tax_codes",))
        return await self.open_keep_apart_codes(conn, person_id)

    async def open_keep_apart_codes(self, conn: AsyncConnection, person_id: str) -> tuple[str, ...]:
        """The sealed codes, unaudited: only for computations whose result carries no personal data (a count,
        tokens). Anything that shows or returns the codes goes through ``read_keep_apart_codes``."""
        query = select(keep_apart_codes).where(keep_apart_codes.c.person_id == person_id)
        row = (await conn.execute(query)).first()
        if row is None:
            return ()
        plain = self.keys.open(Sealed(row.key_id, row.nonce, row.ciphertext), _keep_apart_associated(person_id))
        return tuple(json.loads(plain))

    async def _audit(
        self,
        conn: AsyncConnection,
        person_id: str,
        reader: Reader,
        purpose: ReadPurpose,
        now: datetime,
        fields: Sequence[str],
    ) -> None:
        await conn.execute(
            insert(personal_data_reads).values(
                person_id=person_id,
                user_id=reader.user_id,
                role=reader.role,
                partner=reader.partner,
                purpose=purpose.value,
                fields=",".join(fields)[:200],
                read_at=now,
            )
        )
        VAULT_READS.labels("referrals", reader.partner, purpose.value).inc()

    async def read(
        self,
        conn: AsyncConnection,
        person_id: str,
        reader: Reader,
        purpose: ReadPurpose,
        now: datetime,
        fields: Sequence[str] = ("all",),
    ) -> PersonalData | None:
        """A person's data, after recording who reads them and why (None once erased; the attempt is audited)."""
        await self._audit(conn, person_id, reader, purpose, now, fields)
        return await self._open(conn, person_id)

    async def _open(self, conn: AsyncConnection, person_id: str) -> PersonalData | None:
        row = (await conn.execute(select(vault).where(vault.c.person_id == person_id))).first()
        if row is None:
            return None
        plain = self.keys.open(Sealed(row.key_id, row.nonce, row.ciphertext), person_id.encode())
        return PersonalData.model_validate_json(plain)

    async def surname_is(self, conn: AsyncConnection, person_id: str, surname_key: str) -> bool:
        """Whether a person's surname, folded by ``search_key``, equals ``surname_key``: a yes or no, no identity.

        A search calls this for each person in its scope and then reads, audited, only the people it found.
        """
        data = await self._open(conn, person_id)
        return data is not None and search_key(data.surname) == surname_key

    async def erase(self, conn: AsyncConnection, person_id: str) -> bool:
        """Delete a person's record and keep-apart codes; the read audit keeps its rows (only ids and codes)."""
        await conn.execute(delete(keep_apart_codes).where(keep_apart_codes.c.person_id == person_id))
        result = await conn.execute(delete(vault).where(vault.c.person_id == person_id))
        return bool(result.rowcount)

    async def people(self, conn: AsyncConnection) -> list[str]:
        """The ids of every person whose data the vault holds (not erased)."""
        return [r.person_id for r in await conn.execute(select(vault.c.person_id).order_by(vault.c.person_id))]


def search_key(name: str) -> str:
    """A name folded for comparison: no accents, case, spaces, apostrophes or hyphens ("D'Àngelo" = "dangelo")."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).casefold()


async def reads_of(conn: AsyncConnection, person_id: str) -> list[dict[str, object]]:
    """The audit trail of one person's personal-data reads, oldest first."""
    query = select(personal_data_reads).where(personal_data_reads.c.person_id == person_id)
    rows = (await conn.execute(query.order_by(personal_data_reads.c.id))).mappings().all()
    return [dict(r) for r in rows]
