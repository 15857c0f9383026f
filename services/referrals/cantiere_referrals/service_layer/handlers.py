"""The referrals service's use cases: each a unit of work (load the person, decide, append events, outbox and vault)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cantiere_events import Producer, identifiers, uuid7
from cantiere_events.codes import ErasureBasis
from cantiere_runtime.auth import Principal
from cantiere_runtime.errors import Unprocessable
from cantiere_runtime.store import CommandContext, EventStore, envelope_for
from cantiere_runtime.unit_of_work import Aggregate, CommandHandler, UnitOfWork
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cantiere_referrals.adapters.people_index import index_person, person_with_token, unindex_person
from cantiere_referrals.adapters.vault import PersonalData, Reader, ReadPurpose, Vault
from cantiere_referrals.domain import commands as c
from cantiere_referrals.domain.errors import TaxCodeAlreadyRegistered
from cantiere_referrals.domain.identity import canonical_tax_code, valid_tax_code
from cantiere_referrals.domain.person import Person, person
from cantiere_referrals.domain.publication import public_events
from cantiere_referrals.service_layer.access import actor, district_for_new_person, may_see, visible


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Keys:
    """The programme key that turns tax codes into keep-apart tokens (always from the canonical form)."""

    programme_key: bytes
    key_id: str
    # While some municipality may still hold tokens made from codes as written (before canonical forms), a
    # link also carries the token of the code as written: old and new tokens both count until retired.
    typed_link_tokens: bool = True

    def token(self, tax_code: str) -> str:
        """A person's own token: HMAC of the canonical tax code (InvalidTaxCode when not valid)."""
        return identifiers.keep_apart_token(canonical_tax_code(tax_code), self.programme_key)

    def aliases(self, tax_code: str) -> tuple[str, ...]:
        """The tokens of the code's other spellings, published beside the own token."""
        return identifiers.token_aliases(canonical_tax_code(tax_code), self.programme_key)

    def link_tokens(self, tax_codes: Sequence[str]) -> tuple[str, ...]:
        """The tokens of the people to keep apart from: canonical, and the code as written while not retired."""
        tokens: list[str] = []
        for code in tax_codes:
            tokens.append(self.token(code))
            if self.typed_link_tokens:
                tokens.append(identifiers.typed_token(valid_tax_code(code), self.programme_key))
        return tuple(dict.fromkeys(tokens))


@dataclass(frozen=True)
class KeepApartLinks:
    """The people a person must be kept apart from, as the municipality holds them."""

    codes: tuple[str, ...] = ()  # tax codes as typed, sealed in the vault
    legacy_tokens: tuple[str, ...] = ()  # links recorded before the codes were kept: tokens only

    def __len__(self) -> int:
        return len(self.codes) + len(self.legacy_tokens)


@dataclass
class Referrals:
    """Every command and audited read of one municipality's referrals service.

    Each runs as a unit of work (cantiere_runtime.unit_of_work): the person is loaded with their version, the
    command decided, events, outbox rows and vault entries written in one transaction, the relay told.
    """

    engine: AsyncEngine
    store: EventStore
    vault: Vault
    keys: Keys
    partner: str
    commands: CommandHandler  # every write runs through it (the runtime's)
    districts: frozenset[str] | None = None  # the municipality's districts in the territory, when configured
    clock: Callable[[], datetime] = utcnow

    def _context(self, principal: Principal | None, now: datetime) -> CommandContext:
        return CommandContext(
            partner=self.partner, producer=Producer.REFERRALS, now=now, actor=actor(principal) if principal else None
        )

    async def load(self, person_id: str, conn: AsyncConnection | None = None) -> tuple[Person | None, int]:
        loaded = await self.store.load(person_id, conn)
        return person.fold(r.event for r in loaded.events), loaded.version  # type: ignore[misc]

    async def person(self, principal: Principal, person_id: str) -> Person:
        """The person's file (no identity), if the caller may see them."""
        state, _ = await self.load(person_id)
        return visible(principal, state)

    def _execute(
        self,
        unit: UnitOfWork,
        principal: Principal | None,
        file: Aggregate[Person | None],
        command: c.Command,
        now: datetime,
    ) -> Person | None:
        new = person.decide(command, file.state, now=now)
        ctx = self._context(principal, now)
        publics = public_events(file.state, new)
        envelopes = [envelope_for(p, file.aggregate_id, file.version + len(new), ctx) for p in publics]
        unit.append(file.aggregate_id, file.version, new, envelopes, context=ctx)
        return person.fold(new, file.state) if new else file.state

    async def register(
        self, principal: Principal, data: PersonalData, profile: dict[str, Any], district: str | None
    ) -> str:
        """Open a file: identity into the vault and the registration into the log, atomically."""
        district = district_for_new_person(principal, district)
        if district is not None and self.districts is not None and district not in self.districts:
            raise Unprocessable("Municipio sconosciuto.", "Unknown district.", code="unknown_district")
        person_id = str(uuid.uuid4())  # random, so it reveals neither time nor order of registration
        own_token = self.keys.token(data.tax_code)
        command = c.RegisterPerson(
            person_id=person_id,
            municipality=self.partner,
            district=district,
            social_worker_id=principal.user_id,
            birth_date=data.birth_date,
            gender=data.gender,
            own_token=own_token,
            key_id=self.keys.key_id,
            own_aliases=self.keys.aliases(data.tax_code),
            **profile,
        )

        async def work(unit: UnitOfWork) -> None:
            now = self.clock()
            await self._refuse_duplicate(unit.conn, principal, own_token)
            self._execute(unit, principal, Aggregate(person_id, None, 0), command, now)
            await self.vault.store(unit.conn, person_id, data, now)
            await index_person(unit.conn, own_token, person_id)

        try:
            await self.commands.run(work)
        except IntegrityError:  # registered by someone else in the same instant: say so as if it came first
            async with self.engine.connect() as conn:
                await self._refuse_duplicate(conn, principal, own_token)
            raise TaxCodeAlreadyRegistered(None) from None
        return person_id

    async def _refuse_duplicate(self, conn: AsyncConnection, principal: Principal, own_token: str) -> None:
        """TaxCodeAlreadyRegistered when the municipality holds this tax code (any spelling) already; the
        existing person is named only to a caller who may see them."""
        existing = await person_with_token(conn, own_token)
        if existing is None:
            return
        state, _ = await self.load(existing, conn)
        raise TaxCodeAlreadyRegistered(existing if may_see(principal, state) else None)

    async def _visible(self, unit: UnitOfWork, principal: Principal, person_id: str) -> Aggregate[Person]:
        """The person's file in this unit of work, if the caller may see them."""
        file: Aggregate[Person | None] = await unit.load(person, person_id)
        visible(principal, file.state)
        return file  # type: ignore[return-value]

    async def handle(self, principal: Principal, person_id: str, command: c.Command) -> Person:
        """Decide and record one command about a person the caller may see."""

        async def work(unit: UnitOfWork) -> Person | None:
            file = await self._visible(unit, principal, person_id)
            return await self.record_in(unit, principal, file, command, self.clock())

        result = await self.commands.run(work)
        assert result is not None
        return result

    async def record_in(
        self,
        unit: UnitOfWork,
        principal: Principal,
        file: Aggregate[Person | None],
        command: c.Command,
        now: datetime,
    ) -> Person | None:
        """Decide and append one command in a unit of work (the vault entry goes with an erasure)."""
        result = self._execute(unit, principal, file, command, now)
        if isinstance(command, c.ErasePersonalData):  # the vault entry goes in the same transaction as the event
            await self.vault.erase(unit.conn, file.aggregate_id)
            await unindex_person(unit.conn, file.aggregate_id)
        return result

    async def erase_if(
        self, principal: Principal, person_id: str, basis: ErasureBasis, condition: Callable[[Person | None], bool]
    ) -> bool:
        """Erase like `handle` does, only if the file read in the same transaction still meets the condition."""

        async def work(unit: UnitOfWork) -> bool:
            file: Aggregate[Person | None] = await unit.load(person, person_id)
            if not condition(file.state):
                return False
            visible(principal, file.state)
            await self.record_in(unit, principal, file, c.ErasePersonalData(basis=basis), self.clock())
            return True

        return await self.commands.run(work)

    async def record_constraints(
        self,
        principal: Principal,
        person_id: str,
        keep_apart_tax_codes: Sequence[str],
        *,
        keep: Sequence[int] | None = None,
        **fields: Any,
    ) -> Person:
        """Record safety constraints; tax codes of people to keep apart become tokens on the bus and are kept
        only sealed in the vault (so the tokens can be made again), in the same transaction.

        ``keep`` (the pages): the positions of the links already held (``keep_apart_links``) that stay, the
        typed codes being added to them; without it the typed codes replace every link (the JSON API).
        """
        typed = [valid_tax_code(code) for code in keep_apart_tax_codes]

        async def work(unit: UnitOfWork) -> Person | None:
            now = self.clock()
            file = await self._visible(unit, principal, person_id)
            new_codes, legacy = list(typed), []
            if keep is not None:
                held = await self._links(unit.conn, principal, person_id, file.state, ReadPurpose.CASE_MANAGEMENT)
                entries: list[str] = [*held.codes, *held.legacy_tokens]
                chosen = [entries[i] for i in sorted(set(keep)) if 0 <= i < len(entries)]
                legacy = [t for t in chosen if t in held.legacy_tokens]
                new_codes = [t for t in chosen if t in held.codes] + new_codes
            codes = tuple(dict.fromkeys(new_codes))
            tokens = tuple(dict.fromkeys([*self.keys.link_tokens(codes), *legacy]))
            command = c.RecordSafetyConstraints(keep_apart_tokens=tokens, key_id=self.keys.key_id, **fields)
            result = await self.record_in(unit, principal, file, command, now)  # type: ignore[arg-type]
            await self.vault.store_keep_apart_codes(unit.conn, person_id, codes, now)
            return result

        result = await self.commands.run(work)
        assert result is not None
        return result

    async def keep_apart_links(self, principal: Principal, person_id: str, purpose: ReadPurpose) -> KeepApartLinks:
        """The links of a person as the municipality holds them: an audited read of the sealed tax codes."""

        async def work(unit: UnitOfWork) -> KeepApartLinks:
            file = await self._visible(unit, principal, person_id)
            return await self._links(unit.conn, principal, person_id, file.state, purpose)

        return await self.commands.run(work)

    async def keep_apart_count(self, principal: Principal, person_id: str) -> int:
        """How many people the person must be kept apart from (no tax code leaves the vault, so no audit)."""
        async with self.engine.connect() as conn:
            state = visible(principal, (await self.load(person_id, conn))[0])
            codes = await self.vault.open_keep_apart_codes(conn, person_id)
        derived = self._derived_tokens(codes)
        tokens = state.constraints.keep_apart_tokens if state.constraints else ()
        return len(codes) + sum(1 for t in tokens if t not in derived)

    async def _links(
        self, conn: AsyncConnection, principal: Principal, person_id: str, state: Person, purpose: ReadPurpose
    ) -> KeepApartLinks:
        codes = await self.vault.read_keep_apart_codes(conn, person_id, self._reader(principal), purpose, self.clock())
        derived = self._derived_tokens(codes)
        tokens = state.constraints.keep_apart_tokens if state.constraints else ()
        return KeepApartLinks(codes, tuple(t for t in tokens if t not in derived))

    def _derived_tokens(self, codes: Sequence[str]) -> set[str]:
        """Every token the codes make, canonical and as written, whatever the typed-token setting is now."""
        return {identifiers.keep_apart_token(code, self.keys.programme_key) for code in codes} | {
            identifiers.typed_token(code, self.keys.programme_key) for code in codes
        }

    async def submit(self, principal: Principal, person_id: str) -> str:
        """Submit a referral with the age band as of today (the birth date is read from the vault, audited),
        in one unit of work."""
        referral_id = str(uuid7())

        async def work(unit: UnitOfWork) -> None:
            now = self.clock()
            file = await self._visible(unit, principal, person_id)
            reader, purpose = self._reader(principal), ReadPurpose.REFERRAL_SUBMISSION
            data = await self.vault.read(unit.conn, person_id, reader, purpose, now, fields=("birth_date",))
            command = c.SubmitReferral(referral_id=referral_id, birth_date=data.birth_date if data else None)
            await self.record_in(unit, principal, file, command, now)  # type: ignore[arg-type]

        await self.commands.run(work)
        return referral_id

    def _reader(self, principal: Principal) -> Reader:
        return Reader(principal.user_id, principal.role.value, principal.partner)

    async def read_personal_data(
        self, principal: Principal, person_id: str, purpose: ReadPurpose
    ) -> tuple[Person, PersonalData | None]:
        """The person's file and identity; the read is recorded with who, role, partner, when and why."""

        async def work(unit: UnitOfWork) -> tuple[Person, PersonalData | None]:
            file = await self._visible(unit, principal, person_id)
            data = await self.vault.read(unit.conn, person_id, self._reader(principal), purpose, self.clock())
            return file.state, data

        return await self.commands.run(work)
