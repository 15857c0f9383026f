"""Each consent scope is followed: the host sees a first name only with minimal_data_to_host, the employment
centre sees a training project only with share_with_employment_centre; withdrawals take effect at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from cantiere_events.codes import ConsentScope, LegalBasis
from cantiere_events.referrals import ConsentRecorded, ConsentWithdrawn
from cantiere_placements.adapters.tables import personal_data_reads
from cantiere_runtime.auth import Role
from sqlalchemy import select

from .fakes import uid
from .harness import Running, bearer, publish_referral, until
from .test_safety_over_nats import STAFF, a_host, propose, publish

OFFICER = bearer(Role.EMPLOYMENT_OFFICER, partner="cpi-bari")
ONLY_CONSORTIUM = (ConsentScope.SHARE_WITH_CONSORTIUM, ConsentScope.AGGREGATE_STATISTICS)


async def consents_are(service: Running, person_id: str, scopes: set[str]) -> None:
    async def arrived() -> bool:
        answer = await service.http.get(f"/candidates/{person_id}", headers=STAFF)
        return answer.status_code == 200 and set(answer.json()["consents"]) == scopes

    await until(arrived)


async def in_the_validation_queue(service: Running, person: int, scopes: tuple[ConsentScope, ...], n: int) -> Any:
    """A referral with these consents, accepted, placed, its project waiting for the employment centre."""
    await publish_referral(service.nats_url, person, scopes)
    person_id = uid(person)
    await consents_are(service, person_id, {str(s) for s in scopes})
    assert (await service.http.post(f"/candidates/{person_id}/accept", headers=STAFF)).status_code == 200
    host = await a_host(service, n)
    await service.http.post(f"/hosts/{host}/tutors", json={"tutor_id": uid(21)}, headers=STAFF)
    placement = (await propose(service, person_id, host)).json()["placement_id"]
    p = f"/placements/{placement}"
    for path, body in (
        ("accept", {"party": "person"}), ("accept", {"party": "host"}), ("agreement", {"agreement_id": uid(80)}),
        ("training-project", {
            "objectives": ["kitchen.basic"], "promoter_tutor_id": uid(20), "host_tutor_id": uid(21),
            "hours_per_week": 20, "starts_on": "2008-04-01", "ends_on": "2008-06-30", "monthly_allowance_cents": 45_000,
        }),
    ):  # fmt: skip
        answer = await service.http.post(f"{p}/{path}", json=body, headers=STAFF)
        assert answer.status_code == 200, answer.text
    named = await service.http.put(f"/candidates/{person_id}/first-name", json={"first_name": "Rosa"}, headers=STAFF)
    assert named.status_code == 204
    return person_id, host, placement


async def first_name_reads(service: Running) -> list[Any]:
    async with service.app.state.runtime.engine.connect() as conn:
        query = select(personal_data_reads.c.person_id).where(personal_data_reads.c.what == "first_name")
        return list((await conn.execute(query)).scalars())


async def test_without_consent_to_share_with_the_employment_centre_its_queue_does_not_show_the_project(
    service: Running,
) -> None:
    _, _, hidden = await in_the_validation_queue(service, 31, ONLY_CONSORTIUM, 31)
    _, _, shown = await in_the_validation_queue(service, 32, tuple(ConsentScope), 32)

    officer_sees = [q["placement_id"] for q in (await service.http.get("/validation-queue", headers=OFFICER)).json()]
    assert officer_sees == [shown]
    staff_sees = {q["placement_id"]: q for q in (await service.http.get("/validation-queue", headers=STAFF)).json()}
    assert staff_sees[hidden]["shared_with_employment_centre"] is False
    assert staff_sees[shown]["shared_with_employment_centre"] is True


async def test_the_employment_centre_cannot_validate_a_project_it_may_not_see(service: Running) -> None:
    person_id, _, hidden = await in_the_validation_queue(service, 34, ONLY_CONSORTIUM, 34)

    answer = await service.http.post(f"/placements/{hidden}/validate", headers=OFFICER)

    assert answer.status_code == 403
    assert answer.json() == {
        "error": "not_shared_with_employment_centre",
        "message": "La persona non ha acconsentito alla condivisione dei dati con il centro per l'impiego.",
        "message_en": "The person has not consented to sharing data with the employment centre.",
    }
    staff_sees = {q["placement_id"]: q for q in (await service.http.get("/validation-queue", headers=STAFF)).json()}
    assert hidden in staff_sees  # still waiting: nothing was validated

    consent = {"person_id": person_id, "referral_id": uid(1034), "scope": ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE,
               "legal_basis": LegalBasis.CONSENT, "form_version": "2008-2"}  # fmt: skip
    await publish(service.nats_url, ConsentRecorded(**consent, given_on=date(2008, 3, 5)), 34, 5)
    await consents_are(service, person_id, {*map(str, ONLY_CONSORTIUM), "share_with_employment_centre"})
    answer = await service.http.post(f"/placements/{hidden}/validate", headers=OFFICER)
    assert answer.status_code == 200, answer.text


async def test_the_host_sees_a_first_name_only_while_the_person_consents_to_minimal_data_to_the_host(
    service: Running,
) -> None:
    person_id, host, _ = await in_the_validation_queue(service, 33, ONLY_CONSORTIUM, 33)
    tutor = bearer(Role.COMPANY_TUTOR, host_id=host)

    async def first_name() -> Any:
        return (await service.http.get(f"/hosts/{host}/interns", headers=tutor)).json()[0]["first_name"]

    assert await first_name() is None
    assert await first_name_reads(service) == []  # nothing read, so nothing to audit

    consent = {"person_id": person_id, "referral_id": uid(1033), "scope": ConsentScope.MINIMAL_DATA_TO_HOST,
               "legal_basis": LegalBasis.CONSENT, "form_version": "2008-2"}  # fmt: skip
    await publish(service.nats_url, ConsentRecorded(**consent, given_on=date(2008, 3, 5)), 33, 5)
    await consents_are(service, person_id, {*map(str, ONLY_CONSORTIUM), "minimal_data_to_host"})
    assert await first_name() == "Rosa"
    assert await first_name_reads(service) == [person_id]

    await publish(service.nats_url, ConsentWithdrawn(**consent, withdrawn_on=date(2008, 3, 6)), 33, 6)
    await consents_are(service, person_id, set(map(str, ONLY_CONSORTIUM)))
    assert await first_name() is None
    assert await first_name_reads(service) == [person_id]
