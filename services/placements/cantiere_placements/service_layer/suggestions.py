"""Hosts every local safety check accepts for a candidate, for the JSON route and the candidate's page alike."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cantiere_runtime.errors import NotFound
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_placements.adapters import queries
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.suggestions import Suggestion, suggest_hosts
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import current_occupants, safety_of
from cantiere_placements.service_layer.unit import candidate_id, host_stream, reading


async def suggested_hosts(
    svc: Placements, engine: AsyncEngine, person_id: str, today: date, hours_per_week: int
) -> list[Suggestion]:
    """Eligible hosts, best first, with their occupants' current tokens as a proposal would see them
    (the referring municipality's clearance is asked only when a placement is proposed)."""
    rules = svc.territory.rule_set_on(today)
    async with reading(svc.store) as view:
        person = (await view.load(cand.candidate_decider, candidate_id(person_id))).state
        if person is None:
            raise NotFound("Nessuna segnalazione per questa persona.", "No referral for this person.")
        hosts = []
        for row in await queries.hosts_with_capacity(engine, rules):
            host = (await view.load(hst.host_decider, host_stream(row["host_id"]))).state
            if host is not None:
                fresh = await current_occupants(view, host)
                hosts.append(replace(host, occupants={o.placement_id: o for o in fresh}))
        safety = await safety_of(view, person)
    return suggest_hosts(
        safety,
        hosts,
        hours_per_week=hours_per_week,
        preferred_sectors=person.profile.preferred_sectors,
        home_municipality=person.municipality,
        rules=rules,
    )
