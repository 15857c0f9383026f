"""Safety with a real NATS: constraints from the restricted stream refuse placements; silence refuses; reads audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import nats
from cantiere_events import Producer, encode
from cantiere_events.codes import ConsentScope
from cantiere_events.referrals import KeepApartTokenRegistered, SafetyConstraintsRecorded
from cantiere_placements.adapters.tables import personal_data_reads
from cantiere_runtime.auth import Role
from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.schema import events
from cantiere_runtime.store import CommandContext, envelope_for
from sqlalchemy import select

from .fakes import COMPLIANT, token, uid, vat
from .harness import MOLA, Running, bearer, publish_referral, until

STAFF = bearer(Role.PLACEMENT_OPERATOR)


async def publish(nats_url: str, event: Any, person: int, version: int) -> None:
    ctx = CommandContext(partner=MOLA, producer=Producer.REFERRALS, now=datetime(2008, 3, 2, tzinfo=UTC))
    message = encode(envelope_for(event, uid(person), version, ctx))
    nc = await nats.connect(nats_url)
    await nc.jetstream().publish(message.subject, message.data, headers=message.headers)
    await nc.close()


async def accepted_candidate(service: Running, nats_url: str, person: int) -> str:
    await publish_referral(nats_url, person)
    person_id = uid(person)

    async def arrived() -> bool:
        # With every consent too, so what follows starts from the consents in force (an accept racing the
        # intake is decided again on its news: test_news_while_deciding).
        answer = await service.http.get(f"/candidates/{person_id}", headers=STAFF)
        return answer.status_code == 200 and len(answer.json()["consents"]) == len(ConsentScope)

    await until(arrived)
    assert (await service.http.post(f"/candidates/{person_id}/accept", headers=STAFF)).status_code == 200
    return person_id


async def a_host(service: Running, n: int = 7) -> str:
    body = {
        "vat_number": vat(n),
        "site_municipality": "bari",
        "sector_code": "56.10.11",
        "permanent_headcount": 12,
        "declarations": COMPLIANT.model_dump(),
    }
    answer = await service.http.post("/hosts", json=body, headers=STAFF)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["host_id"])


async def propose(service: Running, person_id: str, host_id: str) -> Any:
    body = {"person_id": person_id, "host_id": host_id, "hours_per_week": 20}
    return await service.http.post("/placements", json=body, headers=STAFF)


async def test_a_keep_apart_link_from_the_restricted_stream_refuses_the_second_placement(
    service: Running, nats_url: str
) -> None:
    first = await accepted_candidate(service, nats_url, 1)
    await publish(
        nats_url,
        KeepApartTokenRegistered(person_id=uid(1), referral_id=uid(1001), token=token("p1"), key_id="k1"),
        1,
        2,
    )
    host = await a_host(service)
    assert (await propose(service, first, host)).status_code == 201
    second = await accepted_candidate(service, nats_url, 2)
    constraints = SafetyConstraintsRecorded(
        person_id=uid(2),
        referral_id=uid(1002),
        keep_apart_tokens=(token("p1"),),
        key_id="k1",
        recorded_on=date(2008, 3, 2),
    )
    await publish(nats_url, constraints, 2, 2)

    engine = service.app.state.runtime.engine

    async def both_restricted_events_applied() -> bool:
        return await Checkpoints(engine).get("referral_intake_restricted") >= 2

    await until(both_restricted_events_applied)
    answer = await propose(service, second, host)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "refused_keep_apart"
    assert "p1" not in answer.text and token("p1") not in answer.text


async def test_no_answer_from_the_municipality_refuses_the_placement(service: Running, nats_url: str) -> None:
    person = await accepted_candidate(service, nats_url, 3)
    host = await a_host(service)
    service.municipality.silent = True
    answer = await propose(service, person, host)
    assert answer.status_code == 422 and answer.json()["error"] == "refused_clearance_denied"


async def test_contact_details_are_shown_not_stored_and_the_read_is_audited(service: Running, nats_url: str) -> None:
    person = await accepted_candidate(service, nats_url, 4)
    answer = await service.http.post(
        f"/candidates/{person}/contact-details", json={"why": "intake call"}, headers=STAFF
    )
    assert answer.status_code == 200 and answer.json()["contact"]["phone"].startswith("+39")
    engine = service.app.state.runtime.engine
    async with engine.connect() as conn:
        reads = (await conn.execute(select(personal_data_reads))).mappings().all()
    assert [(r["person_id"], r["user_id"], r["what"], r["why"]) for r in reads] == [
        (person, "u-placement_operator", "contact_details", "intake call")
    ]
    async with engine.connect() as conn:
        stored = [str(row) for row in (await conn.execute(select(events))).all()]
    assert not any("+39" in row for row in stored)
