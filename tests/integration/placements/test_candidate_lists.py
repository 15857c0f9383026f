"""Candidates by stage for the placement team, and the audit of a person's personal-data reads."""

from __future__ import annotations

from cantiere_runtime.auth import Role

from .fakes import uid
from .harness import Running, bearer, publish_referral, until
from .test_safety_over_nats import STAFF, accepted_candidate

COORDINATOR = bearer(Role.PLACEMENT_COORDINATOR)
AUDITOR = bearer(Role.AUDITOR)


async def test_candidates_are_listed_by_stage(service: Running, nats_url: str) -> None:
    accepted = await accepted_candidate(service, nats_url, 41)
    await publish_referral(nats_url, 42)

    async def both_arrived() -> bool:
        return len((await service.http.get("/candidates", headers=STAFF)).json()) == 2

    await until(both_arrived)
    listed = (await service.http.get("/candidates?stage=accepted", headers=STAFF)).json()
    assert [c["person_id"] for c in listed] == [accepted]
    waiting = (await service.http.get("/candidates", params={"stage": "referred"}, headers=COORDINATOR)).json()
    assert [c["person_id"] for c in waiting] == [uid(42)]
    assert (await service.http.get("/candidates?stage=nonsense", headers=STAFF)).status_code == 422


async def test_the_coordinator_and_the_auditor_read_the_audit_of_a_persons_personal_data_reads(
    service: Running, nats_url: str
) -> None:
    person = await accepted_candidate(service, nats_url, 43)
    asked = await service.http.post(f"/candidates/{person}/contact-details", json={"why": "intake call"}, headers=STAFF)
    assert asked.status_code == 200
    for headers in (COORDINATOR, AUDITOR):
        reads = (await service.http.get(f"/candidates/{person}/reads", headers=headers)).json()
        assert [(r["user_id"], r["role"], r["partner"], r["what"], r["why"], r["answered"]) for r in reads] == [
            ("u-placement_operator", "placement_operator", "ati-cantiere", "contact_details", "intake call", True)
        ]
        assert reads[0]["read_at"]
    assert (await service.http.get(f"/candidates/{uid(44)}/reads", headers=AUDITOR)).json() == []
