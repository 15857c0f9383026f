"""While the safety intake is stopped at a constraint it cannot apply, no placement is proposed or suggested."""

from __future__ import annotations

import nats
from cantiere_runtime.auth import Role

from .fakes import uid
from .harness import MOLA, Running, bearer, publish_referral, until

OPERATOR = bearer(Role.PLACEMENT_OPERATOR)


async def test_matching_is_suspended_while_a_safety_constraint_cannot_be_applied(service: Running) -> None:
    await publish_referral(service.nats_url, 1)
    nc = await nats.connect(service.nats_url)
    # A safety constraint this service cannot read (say, a version it does not know yet).
    await nc.jetstream().publish(f"cantiere.restricted.referrals.{MOLA}.SafetyConstraintsRecorded", b"{")
    await nc.close()

    async def blocked() -> list[str]:
        health = (await service.http.get("/health")).json()
        return list(health["blocked_projections"])

    assert await until(blocked, timeout=20) == ["referral_intake_restricted"]
    person_id = uid(1)
    answer = await service.http.get(f"/candidates/{person_id}/suggestions", headers=OPERATOR)
    assert answer.status_code == 503 and answer.json()["error"] == "matching_suspended", answer.text
    body = {"person_id": person_id, "host_id": uid(900), "hours_per_week": 20}
    answer = await service.http.post("/placements", json=body, headers=OPERATOR)
    assert answer.status_code == 503 and answer.json()["error"] == "matching_suspended", answer.text
    assert "safety constraint" in answer.json()["message_en"]
