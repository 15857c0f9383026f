"""Personal data at the consortium: contact details on demand (never stored, audited), the first name in the vault."""

from __future__ import annotations

from typing import Any

from cantiere_runtime.auth import Principal
from cantiere_runtime.store import ConcurrencyError
from sqlalchemy import insert

from cantiere_placements.adapters.tables import personal_data_reads
from cantiere_placements.adapters.vault import FirstNameVault
from cantiere_placements.domain.candidate import KeepFirstName, candidate_decider, decide
from cantiere_placements.domain.errors import NotFound, WrongState
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.unit import Who, candidate_id, load


async def contact_details(
    svc: Placements, person_id: str, principal: Principal, why: str, who: Who
) -> dict[str, Any] | None:
    """The person's contact details if the municipality shares them now; the read is audited either way."""
    person, _ = await load(svc.store, candidate_decider, candidate_id(person_id))
    if person is None:
        raise NotFound(
            "Per questa persona non è arrivata nessuna segnalazione.", "No referral has arrived for this person."
        )
    if person.erased:
        raise WrongState(
            "I dati di questa persona sono stati cancellati dal comune che l'ha segnalata.",
            "This person's data were erased by the referring municipality.",
        )
    requester = {"user_id": principal.user_id, "role": str(principal.role), "partner": principal.partner}
    contact = await svc.referrals.contact_details(person.municipality, person_id, requester)
    async with svc.store.engine.begin() as conn:
        await conn.execute(
            insert(personal_data_reads).values(
                person_id=person_id,
                user_id=principal.user_id,
                role=str(principal.role),
                partner=principal.partner,
                what="contact_details",
                why=why[:200],
                answered=contact is not None,
                read_at=who.now,
            )
        )
    return contact


WRITE_ATTEMPTS = 3


async def keep_first_name(svc: Placements, vault: FirstNameVault, person_id: str, first_name: str, who: Who) -> None:
    """Put the first name in the vault in the same transaction as a candidate event appended at the version
    the decision saw: an erasure recorded meanwhile makes the append (and so the vault write) fail, and the
    decision taken again on the erased candidate refuses."""
    aggregate = candidate_id(person_id)
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        person, version = await load(svc.store, candidate_decider, aggregate)
        events = decide(KeepFirstName(), person, today=who.today)  # refuses an erased or unknown person
        try:
            async with svc.store.engine.begin() as conn:
                await svc.store.append(aggregate, version, events, context=who.context(svc.consortium), conn=conn)
                await vault.put(conn, person_id, first_name, who.now)
        except ConcurrencyError:
            if attempt == WRITE_ATTEMPTS:
                raise
            continue
        svc.committed()
        return
