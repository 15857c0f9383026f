"""Personal data at the consortium: contact details on demand (never stored, audited), the first name in the vault."""

from __future__ import annotations

from typing import Any

from cantiere_runtime.auth import Principal
from cantiere_runtime.unit_of_work import UnitOfWork
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

    async def audit(unit: UnitOfWork) -> None:
        await unit.conn.execute(
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

    await svc.commands.run(audit)
    return contact


async def keep_first_name(svc: Placements, vault: FirstNameVault, person_id: str, first_name: str, who: Who) -> None:
    """Put the first name in the vault in the same unit of work as a candidate event appended at the version
    the decision saw: an erasure recorded meanwhile makes the append (and so the vault write) fail, and the
    decision taken again on the erased candidate refuses."""

    async def work(unit: UnitOfWork) -> None:
        person = await unit.load(candidate_decider, candidate_id(person_id))
        events = decide(KeepFirstName(), person.state, today=who.today)  # refuses an erased or unknown person
        unit.append(person.aggregate_id, person.version, events, context=who.context(svc.consortium))
        await vault.put(unit.conn, person_id, first_name, who.now)

    await svc.commands.run(work)
