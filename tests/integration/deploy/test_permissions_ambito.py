"""A referrals process serving an ambito, on a real nats-server with the generated permissions.

The process ambito-triggiano serves Triggiano, Adelfia, Capurso, Cellamare and Valenzano: each stays its
own partner on the bus, so its NATS user has exactly the union of their rights and nothing of Bari's or
Mola di Bari's. A per_municipality territory still gets one user per municipality.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import nats
import pytest
from cantiere_runtime.nats_server import NatsServer
from cantiere_runtime.territory import TERRITORIES_DIR, load_territory
from nats.aio.msg import Msg
from nats.js.api import ConsumerConfig

from .conftest import Connect, generate, password_of, running_nats
from .test_permissions import CONSORTIUM, PUBLIC, REFUSED, RESTRICTED, fetch_all, filtered, municipal_durable, violation

TRIGGIANO = "referrals-ambito-triggiano"
SERVED = ("triggiano", "adelfia", "capurso", "cellamare", "valenzano")


def restricted_durable(municipality: str) -> str:
    from cantiere_referrals.projections import consortium_subscriptions

    return next(sub.durable for sub in consortium_subscriptions(municipality) if sub.stream == RESTRICTED)


async def test_the_ambito_process_publishes_for_capurso_and_triggiano(connect_as: Connect) -> None:
    nc, errors = await connect_as(TRIGGIANO)
    js = nc.jetstream(timeout=2)
    for subject in [
        "cantiere.public.referrals.capurso.ReferralSubmitted",
        "cantiere.restricted.referrals.capurso.SafetyConstraintsRecorded",
        "cantiere.public.referrals.triggiano.ReferralSubmitted",
        "cantiere.restricted.referrals.valenzano.SafetyConstraintsRecorded",
    ]:
        ack = await js.publish(subject, b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())})
        assert ack.stream in (PUBLIC, RESTRICTED)
    assert not errors.violations()


@pytest.mark.parametrize("municipality", ["bari", "mola-di-bari", "noicattaro"])
async def test_the_ambito_process_cannot_publish_as_another_municipality(connect_as: Connect, municipality) -> None:
    nc, errors = await connect_as(TRIGGIANO)
    subject = f"cantiere.public.referrals.{municipality}.ReferralSubmitted"
    with pytest.raises(REFUSED):
        await nc.jetstream().publish(subject, b"{}", timeout=1)
    await violation(nc, errors, subject)
    await nc.publish(f"cantiere.restricted.referrals.{municipality}.SafetyConstraintsRecorded", b"{}")
    await violation(nc, errors, f"cantiere.restricted.referrals.{municipality}.SafetyConstraintsRecorded")


@pytest.mark.parametrize(
    "subject",
    [
        "cantiere.public.placements.bari.>",
        "cantiere.restricted.placements.bari.>",
        "cantiere.rpc.referrals.bari.clearance",
        "cantiere.public.placements.mola-di-bari.>",
        "cantiere.rpc.referrals.rutigliano.contact-details",
        "cantiere.public.referrals.capurso.>",  # not even its own events back: the consortium reads those
        "cantiere.restricted.>",
    ],
)
async def test_the_ambito_process_cannot_subscribe_to_others_subjects(connect_as: Connect, subject: str) -> None:
    nc, errors = await connect_as(TRIGGIANO)
    await nc.subscribe(subject)
    assert "subscription" in (await violation(nc, errors, subject)).lower()


async def test_the_consortium_gets_answers_from_capurso_and_triggiano(connect_as: Connect) -> None:
    process, process_errors = await connect_as(TRIGGIANO)

    async def answer(msg: Msg) -> None:
        municipality = msg.subject.split(".")[3]
        await msg.respond(f'{{"cleared": true, "by": "{municipality}"}}'.encode())

    for municipality in ("capurso", "triggiano"):
        await process.subscribe(f"cantiere.rpc.referrals.{municipality}.>", queue=TRIGGIANO, cb=answer)
    await process.flush()
    consortium, errors = await connect_as(CONSORTIUM)
    for municipality in ("capurso", "triggiano"):
        reply = await consortium.request(f"cantiere.rpc.referrals.{municipality}.clearance", b"{}", timeout=2)
        assert reply.data == f'{{"cleared": true, "by": "{municipality}"}}'.encode()
    assert not errors.violations() and not process_errors.violations()


async def test_the_ambito_process_creates_exactly_its_municipalities_durables(connect_as: Connect) -> None:
    consortium, _ = await connect_as(CONSORTIUM)
    for m in ("capurso", "bari"):
        subject = f"cantiere.public.placements.{m}.InternshipStarted"
        await consortium.jetstream().publish(subject, b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}, timeout=2)
    nc, errors = await connect_as(TRIGGIANO)
    js = nc.jetstream(timeout=1)
    for m in SERVED:
        public, restricted = municipal_durable(m), restricted_durable(m)
        await js.add_consumer(PUBLIC, filtered(public, f"cantiere.public.placements.{m}.>"))
        await js.add_consumer(RESTRICTED, filtered(restricted, f"cantiere.restricted.placements.{m}.>"))
    assert not errors.violations()
    durable = municipal_durable("capurso")
    read = await fetch_all(nc, PUBLIC, durable, filtered(durable, "cantiere.public.placements.capurso.>"))
    assert set(read) == {"cantiere.public.placements.capurso.InternshipStarted"}
    # Not Bari's durable, not its own durable filtered on Bari, not the unfiltered legacy create.
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, filtered(municipal_durable("bari"), "cantiere.public.placements.bari.>"))
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, filtered(durable, "cantiere.public.placements.bari.>"))
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, ConsumerConfig(durable_name=durable))
    with pytest.raises(REFUSED):
        await nc.request(f"$JS.API.CONSUMER.MSG.NEXT.{PUBLIC}.{municipal_durable('bari')}", b'{"batch":1}', timeout=1)
    await violation(nc, errors, "referrals-bari-timeline")


# --- a territory that runs one referrals process per municipality ---------------------------------


@pytest.fixture(scope="module")
def valdorsa_nats(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[NatsServer, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("nats-valdorsa")
    territory = load_territory(TERRITORIES_DIR / "valdorsa-demo.yaml")
    accounts = tmp / "accounts.conf"
    accounts.write_text(generate.render(territory, "valdorsa-demo.yaml"), encoding="utf-8")
    passwords = {u.password_var: password_of(u.name) for u in generate.users_for(territory)}
    for server in running_nats(tmp, accounts, passwords):
        yield server, passwords


async def test_per_municipality_each_municipality_has_its_own_user(valdorsa_nats) -> None:  # type: ignore[no-untyped-def]
    server, passwords = valdorsa_nats
    assert "NATS_PASSWORD_PONTE_SORBELLO" in passwords and "NATS_PASSWORD_CASTELMIRTILLO" in passwords
    seen: list[str] = []

    async def record(exc: Exception) -> None:
        seen.append(str(exc))

    user = "referrals-ponte-sorbello"
    nc = await nats.connect(
        server.url,
        user=user,
        password=password_of(user),
        inbox_prefix=generate.inbox_prefix(user),
        error_cb=record,
        allow_reconnect=False,
    )
    try:
        await nc.publish("cantiere.public.referrals.ponte-sorbello.ReferralSubmitted", b"{}")
        await nc.publish("cantiere.public.referrals.castelmirtillo.ReferralSubmitted", b"{}")
        await nc.subscribe("cantiere.rpc.referrals.castelmirtillo.>")
        await nc.flush()
        for _ in range(50):
            if len(seen) >= 2:
                break
            await nc.flush()
        violations = " ".join(seen).lower()
        assert "castelmirtillo.referralsubmitted" in violations and "rpc.referrals.castelmirtillo" in violations
        assert "ponte-sorbello" not in violations
    finally:
        await nc.close()
