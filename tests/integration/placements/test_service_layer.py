"""The service layer on a real database: commands append private events and the right public ones."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cantiere_events import Producer, decode
from cantiere_events.codes import (
    ConsentScope,
    DeclineReason,
    HostSuspensionReason,
    LegalBasis,
    NoticeKind,
    Outcome,
    PlacementParty,
    PlacementRefusalCheck,
    PlacementRejectionReason,
)
from cantiere_events.contract import PUBLIC
from cantiere_events.referrals import ConsentRecorded
from cantiere_placements.adapters import queries
from cantiere_placements.adapters.intake import ReferralIntake
from cantiere_placements.adapters.tables import VIEW_TABLES
from cantiere_placements.adapters.views import PlacementViews
from cantiere_placements.bootstrap import COMPONENT
from cantiere_placements.domain import agreement as ag
from cantiere_placements.domain import candidate as cand
from cantiere_placements.domain import host as hst
from cantiere_placements.domain import running as run
from cantiere_placements.domain.events import REGISTRY
from cantiere_placements.domain.values import Clearance
from cantiere_placements.service_layer.handlers import Placements
from cantiere_placements.service_layer.matching import propose_placement
from cantiere_runtime.migrate import migrate
from cantiere_runtime.projector import LocalProjector
from cantiere_runtime.schema import outbox
from cantiere_runtime.store import CommandContext, EventStore, Recorded, envelope_for
from cantiere_runtime.territory import territory_by_code
from cantiere_runtime.unit_of_work import CommandHandler
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from .fakes import COMPLIANT, HANDLERS, FakeReferrals, on, referral, uid, vat

CONSORTIUM = "ati-cantiere"


async def service(engine: AsyncEngine, referrals: FakeReferrals) -> Placements:
    await migrate(engine, COMPONENT)
    store = EventStore(engine, REGISTRY)
    commands = CommandHandler(engine, store)
    HANDLERS.append(commands)  # closed after the test (conftest), as the service runtime closes its own
    return Placements(store, territory_by_code("bari-pilot"), CONSORTIUM, referrals, commands)


async def receive(engine: AsyncEngine, person: int, position: int = 1) -> None:
    """A referral arrives from the bus, through the intake projection."""
    from cantiere_events import Metadata

    event = referral(person)
    ctx = CommandContext(
        partner="mola-di-bari", producer=__import__("cantiere_events").Producer.REFERRALS, now=on(date(2008, 3, 1)).now
    )

    envelope = envelope_for(event, uid(person), 1, ctx)
    metadata: Metadata = envelope.metadata
    async with engine.begin() as conn:
        await ReferralIntake("intake", CONSORTIUM).apply(conn, Recorded(event, metadata, position))


async def consents(engine: AsyncEngine, person: int, scope: ConsentScope, position: int = 2) -> None:
    """The person's consent for a scope arrives from the bus, through the intake projection."""
    ids = {"person_id": uid(person), "referral_id": uid(1000 + person)}
    event = ConsentRecorded(
        **ids, scope=scope, legal_basis=LegalBasis.CONSENT, form_version="2008-1", given_on=date(2008, 3, 1)
    )
    ctx = CommandContext(partner="mola-di-bari", producer=Producer.REFERRALS, now=on(date(2008, 3, 1)).now)
    async with engine.begin() as conn:
        recorded = Recorded(event, envelope_for(event, uid(person), position, ctx).metadata, position)
        await ReferralIntake("intake", CONSORTIUM).apply(conn, recorded)


async def published(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = (await conn.execute(select(outbox).order_by(outbox.c.position))).mappings().all()
    return [(decode(r["data"], r["headers"], PUBLIC).metadata.partner, r["subject"].rsplit(".", 1)[1]) for r in rows]


async def test_a_referral_goes_from_intake_to_a_running_internship_with_public_events(engine: AsyncEngine) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    await consents(engine, 1, ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE)  # the centre validates the project
    person = uid(1)
    await svc.candidate(person, cand.AcceptReferral(), on(date(2008, 3, 3)))
    host_id = uid(5001)
    register = hst.RegisterHost(host_id, vat(1), "bari", "56.10.11", 10, COMPLIANT)
    await svc.host(host_id, register, on(date(2008, 3, 3)))
    await svc.host(host_id, hst.AssignHostTutor(uid(21)), on(date(2008, 3, 3)))
    proposal = await propose_placement(svc, person, host_id, 20, on(date(2008, 3, 4)))
    assert proposal.refused is None
    pid, day = proposal.placement_id, on(date(2008, 3, 5))
    for command in (
        ag.AcceptPlacement(PlacementParty.PERSON),
        ag.AcceptPlacement(PlacementParty.HOST),
        ag.SignAgreement(uid(80)),
        ag.ApproveTrainingProject(
            ("kitchen.basic",), uid(20), uid(21), 20, date(2008, 4, 1), date(2008, 9, 30), 45_000
        ),
        ag.ValidateTrainingProject(),
        ag.FileMandatoryNotice(NoticeKind.START, "CO-2008-1"),
    ):
        await svc.placement(pid, command, day)
    await svc.placement(pid, ag.StartInternship(date(2008, 4, 1)), on(date(2008, 4, 1)))
    may = on(date(2008, 5, 2))
    await svc.placement(pid, run.CloseAttendanceMonth("2008-04", Decimal(80), Decimal(76)), may)
    await svc.placement(pid, run.CalculateAllowance("2008-04"), may)
    await svc.placement(pid, run.PayAllowance("2008-04"), may)

    sent = await published(engine)
    assert ("ati-cantiere", "HostRegistered") in sent
    assert ("mola-di-bari", "ReferralAccepted") in sent
    assert ("mola-di-bari", "PlacementSafetyCleared") in sent
    assert ("mola-di-bari", "InternshipStarted") in sent
    assert ("mola-di-bari", "AllowancePaid") in sent

    await LocalProjector(engine, REGISTRY, [PlacementViews()]).catch_up()
    ledger = await queries.allowance_ledger(engine)
    assert [(r["month"], r["allowance_cents"]) for r in ledger] == [("2008-04", 45_000)]
    assert f"2008-04,{pid}" in queries.ledger_csv(ledger)
    page = await queries.tutor_page(engine, host_id)
    assert page[0]["role"] == ["kitchen.basic"] and "municipality" not in page[0]
    stages = {r["waiting_for"] for r in await queries.pipeline(engine)}
    assert stages == {"host_tutor"}

    done = on(date(2008, 9, 30))
    await svc.placement(pid, run.CompleteInternship(Outcome.NOT_HIRED), done)
    await LocalProjector(engine, REGISTRY, [PlacementViews()]).catch_up()
    hosts = await queries.hosts_with_capacity(engine, svc.territory.rule_set_on(date(2008, 10, 1)))
    assert hosts[0]["places_taken"] == 0


async def test_a_refused_clearance_reserves_nothing_and_names_only_the_check(engine: AsyncEngine) -> None:
    svc = await service(engine, FakeReferrals(answer=Clearance.NO_ANSWER))
    await receive(engine, 1)
    await svc.candidate(uid(1), cand.AcceptReferral(), on(date(2008, 3, 3)))
    register = hst.RegisterHost(uid(5001), vat(1), "bari", "56.10.11", 10, COMPLIANT)
    await svc.host(uid(5001), register, on(date(2008, 3, 3)))
    proposal = await propose_placement(svc, uid(1), uid(5001), 20, on(date(2008, 3, 4)))
    assert proposal.refused is PlacementRefusalCheck.CLEARANCE_DENIED
    sent = await published(engine)
    assert ("mola-di-bari", "PlacementRefused") in sent and ("mola-di-bari", "PlacementProposed") not in sent


async def snapshot(engine: AsyncEngine) -> dict[str, list[Any]]:
    async with engine.connect() as conn:
        return {t.name: sorted(map(tuple, (await conn.execute(select(t))).all()), key=str) for t in VIEW_TABLES}


async def test_declines_suspensions_and_interruptions_publish_and_free_the_place_and_views_rebuild_equal(
    engine: AsyncEngine,
) -> None:
    svc = await service(engine, FakeReferrals())
    await receive(engine, 1)
    await receive(engine, 2, position=2)
    await svc.candidate(uid(2), cand.DeclineReferral(DeclineReason.PROGRAMME_FULL), on(date(2008, 3, 3)))
    await svc.candidate(uid(1), cand.AcceptReferral(), on(date(2008, 3, 3)))
    register = hst.RegisterHost(uid(5001), vat(1), "bari", "56.10.11", 10, COMPLIANT)
    await svc.host(uid(5001), register, on(date(2008, 3, 3)))
    pid = (await propose_placement(svc, uid(1), uid(5001), 20, on(date(2008, 3, 4)))).placement_id
    await svc.placement(
        pid, ag.RejectPlacement(PlacementParty.PERSON, PlacementRejectionReason.TRAVEL_TOO_LONG), on(date(2008, 3, 5))
    )
    await svc.host(uid(5001), hst.SuspendHost(HostSuspensionReason.UNDER_REVIEW), on(date(2008, 3, 6)))
    refused = await propose_placement(svc, uid(1), uid(5001), 20, on(date(2008, 3, 7)))
    assert refused.refused is PlacementRefusalCheck.HOST_INACTIVE

    sent = await published(engine)
    assert ("mola-di-bari", "ReferralDeclined") in sent and ("mola-di-bari", "PlacementRejected") in sent
    assert ("ati-cantiere", "HostSuspended") in sent
    projector = LocalProjector(engine, REGISTRY, [PlacementViews()])
    await projector.catch_up()
    hosts = await queries.hosts_with_capacity(engine, svc.territory.rule_set_on(date(2008, 3, 7)))
    assert hosts[0]["places_taken"] == 0 and hosts[0]["active"] is False
    live = await snapshot(engine)
    await projector.rebuild()
    assert await snapshot(engine) == live
