"""Contact details on demand: asked of the referring municipality, shown once, never stored, always audited."""

from __future__ import annotations

from typing import Any

from cantiere_runtime.auth import Principal
from sqlalchemy import insert

from cantiere_placements.adapters.tables import personal_data_reads
from cantiere_placements.domain.candidate import candidate_decider
from cantiere_placements.domain.errors import NotFound, WrongState
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.unit import Who, candidate_id, load


async def contact_details(
    svc: Placements, person_id: str, principal: Principal, why: str, who: Who
) -> dict[str, Any] | None:
    """The person's contact details if the municipality shares them now; the read is audited either way."""
    person, _ = await load(svc.store, candidate_decider, candidate_id(person_id))
    if person is None:
        raise NotFound("No referral has arrived for this person.")
    if person.erased:
        raise WrongState("This person's data were erased by the referring municipality.")
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
