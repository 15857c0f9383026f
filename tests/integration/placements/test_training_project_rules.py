"""A training project is checked against the rules in force on its start day, and a day before the territory's
first rules is a broken rule (422), not a configuration error (500) (found by fuzzing the API)."""

from __future__ import annotations

from datetime import date

import pytest
from cantiere_placements.domain import agreement as ag
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import host as hst
from cantiere_placements.domain.errors import RuleBroken
from cantiere_placements.service_layer.matching import propose_placement
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import COMPLIANT, FakeReferrals, on, uid, vat
from .test_service_layer import receive, service


async def test_a_project_starting_before_the_territory_has_rules_is_a_broken_rule(engine: AsyncEngine) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    day = on(date(2008, 3, 3))
    await svc.candidate(uid(1), cand.AcceptReferral(), day)
    host_id = uid(5001)
    await svc.host(host_id, hst.RegisterHost(host_id, vat(1), "bari", "56.10.11", 10, COMPLIANT), day)
    proposal = await propose_placement(svc, uid(1), host_id, 20, day)
    assert proposal.placement_id is not None
    project = ag.ApproveTrainingProject(
        ("kitchen.basic",), uid(20), uid(21), 20, date(2000, 1, 1), date(2000, 6, 30), 45_000
    )
    with pytest.raises(RuleBroken, match="2000-01-01"):
        await svc.placement(proposal.placement_id, project, day)
