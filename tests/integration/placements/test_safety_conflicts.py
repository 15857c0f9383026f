"""A keep-apart link that arrives after both people were placed at one host is shown, without its reason."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from cantiere_events import Event, Producer
from cantiere_events.referrals import KeepApartTokenRegistered, SafetyConstraintsRecorded
from cantiere_placements.adapters import intake as intake_module
from cantiere_placements.adapters.intake import ReferralIntake
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import host as hst
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import propose_placement
from cantiere_placements.service_layer.unit import candidate_id, load
from cantiere_runtime.auth import Role
from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.store import CommandContext, Recorded, envelope_for
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from .fakes import COMPLIANT, FakeReferrals, on, token, uid, vat
from .harness import Running, bearer, until
from .test_safety_over_nats import a_host, accepted_candidate, propose, publish
from .test_service_layer import receive
from .test_service_layer import service as placements_on

HOST = uid(5001)

STAFF = bearer(Role.PLACEMENT_OPERATOR)
COORDINATOR = bearer(Role.PLACEMENT_COORDINATOR)


async def restricted_applied(service: Running, count: int) -> None:
    engine = service.app.state.runtime.engine

    async def applied() -> bool:
        return await Checkpoints(engine).get("referral_intake_restricted") >= count

    await until(applied)


async def conflicts(service: Running) -> Any:
    answer = await service.http.get("/safety-conflicts", headers=COORDINATOR)
    assert answer.status_code == 200, answer.text
    return answer


async def marked_in_pipeline(service: Running) -> set[str]:
    rows = (await service.http.get("/pipeline", headers=STAFF)).json()
    return {r["placement_id"] for r in rows if r["safety_review"]}


async def test_a_link_arriving_after_both_were_placed_is_listed_until_one_place_is_released(
    service_on_each_database: Running, nats_url: str
) -> None:
    service = service_on_each_database
    anna, bruna = uid(11), uid(12)
    for n in (11, 12):
        await accepted_candidate(service, nats_url, n)
        registered = KeepApartTokenRegistered(
            person_id=uid(n), referral_id=uid(1000 + n), token=token(f"p{n}"), key_id="k1"
        )
        await publish(nats_url, registered, n, 2)
    await restricted_applied(service, 2)
    host = await a_host(service)
    placed = []
    for person in (anna, bruna):
        answer = await propose(service, person, host)
        assert answer.status_code == 201, answer.text  # no link between them yet
        placed.append(answer.json()["placement_id"])
    assert (await conflicts(service)).json() == []

    # Bruna's municipality records that she must be kept apart from Anna (her keyed token).
    constraints = SafetyConstraintsRecorded(
        person_id=bruna,
        referral_id=uid(1012),
        keep_apart_tokens=(token("p11"),),
        key_id="k1",
        recorded_on=date(2008, 3, 5),
    )
    with capture_logs() as logs:
        await publish(nats_url, constraints, 12, 3)
        await restricted_applied(service, 3)

    answer = await conflicts(service)
    assert answer.json() == [{"host_id": host, "placement_ids": sorted(placed), "detected_at": "2008-03-03T10:00:00Z"}]
    for secret in (token("p11"), token("p12"), anna, bruna):  # nobody learns who the other person is
        assert secret not in answer.text
    warnings = [entry for entry in logs if entry["event"] == "safety_conflict_detected"]
    assert warnings == [{"event": "safety_conflict_detected", "log_level": "warning", "host_id": host, "conflicts": 1}]
    assert await marked_in_pipeline(service) == set(placed)

    release = {"party": "person", "reason": "schedule_does_not_fit"}
    answer = await service.http.post(f"/placements/{placed[1]}/reject", json=release, headers=STAFF)
    assert answer.status_code == 200, answer.text
    assert (await conflicts(service)).json() == []
    assert await marked_in_pipeline(service) == set()


@pytest.mark.parametrize(
    "headers", [bearer(Role.PLACEMENT_OPERATOR), bearer(Role.EMPLOYMENT_OFFICER, partner="cpi-bari")]
)
async def test_only_the_coordinator_reads_the_conflicts_with_a_message_in_italian_and_english(
    service: Running, headers: dict[str, str]
) -> None:
    answer = await service.http.get("/safety-conflicts", headers=headers)
    assert answer.status_code == 403
    assert answer.json()["message"].startswith("Il tuo ruolo") and answer.json()["message_en"].startswith("Your role")


def from_bus(event: Event, position: int) -> Recorded:
    ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(date(2008, 3, 5)).now)
    return Recorded(event, envelope_for(event, uid(1), position, ctx).metadata, position)


async def placed_side_by_side(engine: AsyncEngine) -> tuple[Placements, list[str]]:
    """Anna and Bruna, no link and no token known, both placed at one host."""
    svc = await placements_on(engine, FakeReferrals())
    await svc.host(HOST, hst.RegisterHost(HOST, vat(1), "bari", "56.10.11", 40, COMPLIANT), on(date(2008, 3, 3)))
    placed = []
    for n in (1, 2):
        await receive(engine, n, position=n)
        await svc.candidate(uid(n), cand.AcceptReferral(), on(date(2008, 3, 3)))
        proposal = await propose_placement(svc, uid(n), HOST, 20, on(date(2008, 3, 4)))
        assert proposal.refused is None
        placed.append(proposal.placement_id)
    return svc, placed


async def intake(engine: AsyncEngine, message: Recorded) -> list[dict[str, Any]]:
    """The restricted intake applies one message; the warnings it logged."""
    with capture_logs() as logs:
        async with engine.begin() as conn:
            await ReferralIntake("referral_intake_restricted", "ati-cantiere").apply(conn, message)
    return [entry for entry in logs if entry["log_level"] in ("warning", "error")]


async def test_the_intake_warns_with_the_host_and_a_count_only_for_new_links_and_new_tokens_and_once_per_message(
    engine: AsyncEngine,
) -> None:
    await placed_side_by_side(engine)
    warning = {"event": "safety_conflict_detected", "log_level": "warning", "host_id": HOST, "conflicts": 1}
    links = SafetyConstraintsRecorded(
        person_id=uid(1), referral_id=uid(1001), keep_apart_tokens=(token("bruna"),), key_id="k1",
        recorded_on=date(2008, 3, 5),
    )  # fmt: skip
    # Bruna's own token is not known yet: a link beside her is a conflict (fail closed, as matching refuses it).
    assert await intake(engine, from_bus(links, 10)) == [warning]
    her_token = from_bus(KeepApartTokenRegistered(person_id=uid(2), referral_id=uid(1002), token=token("bruna"),
                                                  key_id="k1"), 11)  # fmt: skip
    assert await intake(engine, her_token) == [warning]
    assert await intake(engine, her_token) == []  # a redelivery appends nothing and warns no more


async def test_a_failing_check_never_holds_back_the_constraints(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc, _ = await placed_side_by_side(engine)

    async def broken(*_: Any) -> Any:
        raise RuntimeError("invented failure")

    monkeypatch.setattr(intake_module, "conflicts_involving", broken)
    links = SafetyConstraintsRecorded(
        person_id=uid(1), referral_id=uid(1001), keep_apart_tokens=(token("bruna"),), key_id="k1",
        recorded_on=date(2008, 3, 5),
    )  # fmt: skip
    logged = await intake(engine, from_bus(links, 10))
    assert [(e["event"], e["error"]) for e in logged] == [("safety_conflict_check_failed", "RuntimeError")]
    anna, _v = await load(svc.store, cand.candidate_decider, candidate_id(uid(1)))
    assert anna.keep_apart_tokens == (token("bruna"),)
