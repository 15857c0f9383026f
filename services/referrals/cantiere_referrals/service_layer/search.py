"""Finding a person by tax code or surname: identity lives only in the vault, so every person found is an audited read.

By tax code: the code typed, in any spelling, is turned into the person's own keep-apart token (HMAC of the
canonical form with the programme key) and looked up in the index the registration wrote; no vault entry is
opened to look for it. By surname: the vault
answers yes or no for each person in the caller's scope without the identity leaving it. In both cases
only the people found are read from the vault, each read recorded with who, when and the reason given,
and the caller sees nothing of the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from cantiere_runtime.auth import Principal
from cantiere_runtime.unit_of_work import UnitOfWork
from sqlalchemy import select

from cantiere_referrals.adapters.people_index import person_with_token
from cantiere_referrals.adapters.tables import caseload
from cantiere_referrals.adapters.vault import PersonalData, Reader, ReadPurpose, search_key
from cantiere_referrals.domain.identity import valid_tax_code
from cantiere_referrals.domain.person import person
from cantiere_referrals.service_layer.access import may_see
from cantiere_referrals.service_layer.handlers import Referrals

SEARCH_FIELDS = ("first_name", "surname", "tax_code", "birth_date")


@dataclass(frozen=True)
class Found:
    """A person found by a search, with the identity read (audited) to tell them apart."""

    person_id: str
    personal_data: PersonalData


async def by_tax_code(svc: Referrals, principal: Principal, tax_code: str, purpose: ReadPurpose) -> list[Found]:
    """The person with this tax code, if the caller may see them (InvalidTaxCode for a malformed code)."""
    token = svc.keys.token(valid_tax_code(tax_code))  # any spelling: the token of the canonical form
    async with svc.engine.connect() as conn:
        found = await person_with_token(conn, token)
    return await _read_found(svc, principal, [found] if found else [], purpose)


async def by_surname(svc: Referrals, principal: Principal, surname: str, purpose: ReadPurpose) -> list[Found]:
    """The people in the caller's scope whose surname is this one (ignoring case, accents and spacing)."""
    key = search_key(surname)
    if not key:
        return []
    query = select(caseload.c.person_id).where(caseload.c.erased.is_(False))
    if principal.district:
        query = query.where(caseload.c.district == principal.district)
    async with svc.engine.connect() as conn:
        scope = [str(pid) for pid in (await conn.scalars(query.order_by(caseload.c.registered_on))).all()]
        matches = [pid for pid in scope if await svc.vault.surname_is(conn, pid, key)]
    return await _read_found(svc, principal, matches, purpose)


async def _read_found(svc: Referrals, principal: Principal, person_ids: list[str], purpose: ReadPurpose) -> list[Found]:
    async def work(unit: UnitOfWork) -> list[Found]:  # the reads are recorded: a unit of work
        found = []
        for person_id in person_ids:
            data = await _audited_read(svc, unit, principal, person_id, purpose)
            if data is not None:
                found.append(Found(person_id, data))
        return found

    return await svc.commands.run(work)


async def _audited_read(
    svc: Referrals, unit: UnitOfWork, principal: Principal, person_id: str, purpose: ReadPurpose
) -> PersonalData | None:
    state = (await unit.load(person, person_id)).state
    if state is None or state.erased or not may_see(principal, state):
        return None
    reader = Reader(principal.user_id, principal.role.value, principal.partner)
    return await svc.vault.read(unit.conn, person_id, reader, purpose, svc.clock(), fields=("search", *SEARCH_FIELDS))
