"""The generated pilot permissions on a real nats-server: who may read, write, consume and answer what.

The pilot runs one referrals process per ambito: BARI is ambito-bari (Bari alone), MOLA ambito-mola-di-bari
(Mola di Bari, Noicattaro, Rutigliano). test_permissions_ambito.py covers a process serving several.
"""

from __future__ import annotations

import asyncio
import uuid

import nats
import pytest
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import Error as JsError

from .conftest import DEFAULT_INBOX, Connect, Errors, generate, inbox_prefix_of

PUBLIC, RESTRICTED = generate.PUBLIC, generate.RESTRICTED
MONITORING = "monitoring-cabina-di-regia"
CONSORTIUM = "placements-ati-cantiere"
BARI, MOLA = "referrals-ambito-bari", "referrals-ambito-mola-di-bari"  # the pilot runs a process per ambito
# Failures of forbidden JetStream calls: the request is dropped, so it times out, or the API answers an error.
REFUSED = (TimeoutError, NatsError, JsError)


async def violation(nc: Client, errors: Errors, subject: str) -> str:
    """Wait for the server's permissions violation about ``subject`` (error_cb), or fail."""
    await nc.flush()
    for _ in range(50):
        found = [e for e in errors.violations() if subject.lower() in e.lower()]
        if found:
            return found[0]
        await asyncio.sleep(0.02)
    raise AssertionError(f"no permissions violation for {subject!r}; errors: {errors.seen}")


async def publish_events(connect_as: Connect) -> None:
    """Events as their producers publish them (JetStream acks): bari's, mola's and the consortium's."""
    bari, _ = await connect_as(BARI)
    mola, _ = await connect_as(MOLA)
    consortium, _ = await connect_as(CONSORTIUM)
    for nc, subject in [
        (bari, "cantiere.public.referrals.bari.ReferralSubmitted"),
        (bari, "cantiere.restricted.referrals.bari.SafetyConstraintsRecorded"),
        (mola, "cantiere.public.referrals.mola-di-bari.ReferralSubmitted"),
        (consortium, "cantiere.public.placements.bari.InternshipStarted"),
        (consortium, "cantiere.public.placements.mola-di-bari.InternshipStarted"),
    ]:
        await nc.jetstream().publish(subject, b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}, timeout=2)


def monitoring_durable() -> str:
    """The first durable the monitoring service uses (its subscriptions name them)."""
    from cantiere_monitoring.adapters.subscriptions import monitoring_subscriptions

    return monitoring_subscriptions("cabina-di-regia")[0].durable


def consortium_subscription_on(stream: str) -> tuple[str, list[str]]:
    """The consortium's durable on a stream, and its subject filters."""
    from cantiere_placements.bootstrap import intake_subscriptions

    sub = next(s for s in intake_subscriptions("ati-cantiere") if s.stream == stream)
    return sub.durable, list(sub.subjects)


def consortium_restricted_durable() -> str:
    """The consortium's durable on the restricted stream."""
    return consortium_subscription_on(RESTRICTED)[0]


def municipal_durable(municipality: str) -> str:
    """The durable a municipality's referrals service follows the consortium's news with."""
    from cantiere_referrals.projections import consortium_subscriptions

    return next(sub.durable for sub in consortium_subscriptions(municipality) if sub.stream == PUBLIC)


async def fetch_all(nc: Client, stream: str, durable: str, config: ConsumerConfig | None = None) -> list[str]:
    """Create (or reuse) a durable pull consumer, fetch what it has, ack it: the subjects read."""
    js = nc.jetstream()
    config = config or ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT)
    await js.add_consumer(stream, config, timeout=2)
    sub = await js.pull_subscribe_bind(durable, stream)
    msgs = await sub.fetch(50, timeout=2)
    for msg in msgs:
        await msg.ack_sync()
    await sub.unsubscribe()
    return [m.subject for m in msgs]


def filtered(durable: str, subject: str) -> ConsumerConfig:
    # name + a single filter_subject: nats-py then uses $JS.API.CONSUMER.CREATE.<stream>.<name>.<filter>,
    # the only create subject a municipality is allowed.
    return ConsumerConfig(
        name=durable,
        durable_name=durable,
        filter_subject=subject,
        ack_policy=AckPolicy.EXPLICIT,
        deliver_policy=DeliverPolicy.ALL,
    )


# --- authentication -------------------------------------------------------------------------------


async def test_a_wrong_password_is_refused_with_authorization_violation(pilot_nats) -> None:
    with pytest.raises(NatsError, match="Authorization Violation"):
        await nats.connect(
            pilot_nats.url, user=BARI, password="not-the-password", allow_reconnect=False, connect_timeout=2
        )


async def test_a_connection_without_credentials_is_refused(pilot_nats) -> None:
    with pytest.raises(NatsError, match="Authorization Violation"):
        await nats.connect(pilot_nats.url, allow_reconnect=False, connect_timeout=2)


# --- monitoring -----------------------------------------------------------------------------------


async def test_monitoring_consumes_public_events(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(MONITORING)
    read = await fetch_all(nc, PUBLIC, monitoring_durable())
    assert "cantiere.public.referrals.bari.ReferralSubmitted" in read
    assert "cantiere.public.placements.mola-di-bari.InternshipStarted" in read
    assert not errors.violations()


async def test_monitoring_cannot_subscribe_to_restricted_events(connect_as: Connect) -> None:
    nc, errors = await connect_as(MONITORING)
    await nc.subscribe("cantiere.restricted.>")
    assert "subscription" in await violation(nc, errors, "cantiere.restricted.>")


async def test_monitoring_cannot_create_a_consumer_on_the_restricted_stream(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(MONITORING)
    js = nc.jetstream(timeout=1)
    durable = monitoring_durable()
    with pytest.raises(REFUSED):
        await js.add_consumer(RESTRICTED, ConsumerConfig(durable_name=durable))  # legacy DURABLE.CREATE
    with pytest.raises(REFUSED):
        await js.add_consumer(RESTRICTED, filtered(durable, "cantiere.restricted.>"))  # filtered CREATE
    await violation(nc, errors, f"$JS.API.CONSUMER.DURABLE.CREATE.{RESTRICTED}")


async def test_a_monitoring_consumer_filtered_on_restricted_subjects_finds_nothing(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, _ = await connect_as(MONITORING)
    durable = monitoring_durable()
    # The server accepts any filter on a stream the user may consume; what protects restricted
    # events is that they live in another stream, whose API monitoring may not call at all.
    js = nc.jetstream(timeout=1)
    await js.delete_consumer(PUBLIC, durable) if await _exists(js, durable) else None
    with pytest.raises(TimeoutError):
        await fetch_all(nc, PUBLIC, durable, filtered(durable, "cantiere.restricted.>"))
    await js.delete_consumer(PUBLIC, durable)


async def _exists(js, durable: str) -> bool:  # type: ignore[no-untyped-def]
    try:
        await js.consumer_info(PUBLIC, durable)
    except JsError:
        return False
    return True


async def test_monitoring_cannot_read_restricted_messages_directly(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(MONITORING)
    js = nc.jetstream(timeout=1)
    with pytest.raises(REFUSED):
        await js.get_msg(RESTRICTED, seq=1)  # $JS.API.STREAM.MSG.GET
    with pytest.raises(REFUSED):
        await js.get_msg(RESTRICTED, seq=1, direct=True)  # $JS.API.DIRECT.GET
    with pytest.raises(REFUSED):
        await js.get_last_msg(RESTRICTED, "cantiere.restricted.referrals.bari.SafetyConstraintsRecorded", direct=True)
    with pytest.raises(REFUSED):
        await js.stream_info(RESTRICTED)
    with pytest.raises(REFUSED):
        consortium_durable = consortium_restricted_durable()
        await nc.request(f"$JS.API.CONSUMER.MSG.NEXT.{RESTRICTED}.{consortium_durable}", b'{"batch":1}', timeout=1)
    await violation(nc, errors, f"$JS.API.STREAM.MSG.GET.{RESTRICTED}")


async def test_monitoring_cannot_publish_events(connect_as: Connect) -> None:
    nc, errors = await connect_as(MONITORING)
    with pytest.raises(REFUSED):
        await nc.jetstream().publish("cantiere.public.monitoring.cabina-di-regia.ReportPublished", b"{}", timeout=1)
    await violation(nc, errors, "cantiere.public.monitoring.cabina-di-regia.ReportPublished")


# --- municipalities -------------------------------------------------------------------------------


async def test_a_municipality_reads_the_consortium_news_about_its_own_people_only(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(BARI)
    durable = municipal_durable("bari")
    read = await fetch_all(nc, PUBLIC, durable, filtered(durable, "cantiere.public.placements.bari.>"))
    assert set(read) == {"cantiere.public.placements.bari.InternshipStarted"}
    assert not errors.violations()


async def test_a_municipality_cannot_consume_another_municipalitys_news(connect_as: Connect) -> None:
    nc, errors = await connect_as(BARI)
    js = nc.jetstream(timeout=1)
    durable = municipal_durable("bari")
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, filtered(durable, "cantiere.public.placements.mola-di-bari.>"))
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, filtered(durable, "cantiere.public.>"))
    # The legacy create carries no filter in its subject, so it is not granted at all.
    with pytest.raises(REFUSED):
        await js.add_consumer(PUBLIC, ConsumerConfig(durable_name=durable))
    # Nor may it pull from someone else's durable.
    with pytest.raises(REFUSED):
        await nc.request(
            f"$JS.API.CONSUMER.MSG.NEXT.{PUBLIC}.{municipal_durable('mola-di-bari')}",
            b'{"batch":1}',
            timeout=1,
        )
    with pytest.raises(REFUSED):
        await js.add_consumer(RESTRICTED, filtered(durable, "cantiere.restricted.referrals.bari.>"))
    await violation(nc, errors, "mola-di-bari")


async def test_a_municipality_cannot_subscribe_to_another_municipalitys_subjects(connect_as: Connect) -> None:
    nc, errors = await connect_as(BARI)
    await nc.subscribe("cantiere.public.placements.mola-di-bari.>")
    await violation(nc, errors, "cantiere.public.placements.mola-di-bari.>")
    await nc.subscribe("cantiere.rpc.referrals.mola-di-bari.clearance")
    await violation(nc, errors, "cantiere.rpc.referrals.mola-di-bari.clearance")
    await nc.subscribe("cantiere.restricted.>")
    await violation(nc, errors, "cantiere.restricted.>")


async def test_a_municipality_cannot_publish_as_another(connect_as: Connect) -> None:
    nc, errors = await connect_as(BARI)
    with pytest.raises(REFUSED):
        await nc.jetstream().publish("cantiere.public.referrals.mola-di-bari.ReferralSubmitted", b"{}", timeout=1)
    with pytest.raises(REFUSED):
        await nc.jetstream().publish("cantiere.public.placements.bari.InternshipStarted", b"{}", timeout=1)
    await violation(nc, errors, "cantiere.public.referrals.mola-di-bari.ReferralSubmitted")


# --- request/reply --------------------------------------------------------------------------------


async def test_the_consortium_asks_a_municipality_for_clearance_and_gets_the_answer(connect_as: Connect) -> None:
    bari, bari_errors = await connect_as(BARI)

    async def answer(msg) -> None:  # type: ignore[no-untyped-def]
        await msg.respond(b'{"cleared": true}')  # allowed by allow_responses, not by a publish grant

    await bari.subscribe("cantiere.rpc.referrals.bari.clearance", queue="referrals-bari", cb=answer)
    await bari.flush()
    consortium, errors = await connect_as(CONSORTIUM)
    reply = await consortium.request("cantiere.rpc.referrals.bari.clearance", b"{}", timeout=2)
    assert reply.data == b'{"cleared": true}'
    assert not errors.violations() and not bari_errors.violations()


async def test_a_municipality_cannot_ask_another_one_nor_publish_on_inboxes(connect_as: Connect) -> None:
    nc, errors = await connect_as(BARI)
    await nc.publish("cantiere.rpc.referrals.mola-di-bari.contact-details", b"{}")
    await violation(nc, errors, "cantiere.rpc.referrals.mola-di-bari.contact-details")
    await nc.publish("_INBOX.someone-else", b"forged answer")
    await violation(nc, errors, "_INBOX.someone-else")


# --- consortium -----------------------------------------------------------------------------------


async def test_the_consortium_reads_restricted_events_of_every_municipality(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(CONSORTIUM)
    durable, subjects = consortium_subscription_on(RESTRICTED)
    restricted = await fetch_all(nc, RESTRICTED, durable, filtered(durable, subjects[0]))
    assert "cantiere.restricted.referrals.bari.SafetyConstraintsRecorded" in restricted
    public = await fetch_all(nc, PUBLIC, consortium_subscription_on(PUBLIC)[0])
    assert "cantiere.public.referrals.mola-di-bari.ReferralSubmitted" in public
    await nc.subscribe("cantiere.restricted.>")
    await nc.flush()
    assert not errors.violations()


async def test_the_consortium_cannot_publish_as_a_municipality(connect_as: Connect) -> None:
    nc, errors = await connect_as(CONSORTIUM)
    with pytest.raises(REFUSED):
        await nc.jetstream().publish("cantiere.public.referrals.bari.ReferralSubmitted", b"{}", timeout=1)
    await violation(nc, errors, "cantiere.public.referrals.bari.ReferralSubmitted")


# --- inboxes --------------------------------------------------------------------------------------
# Each user's replies (API answers, pull deliveries, publish acks, rpc answers) arrive under its own
# prefix _INBOX_<user>, and only that user may subscribe there. See deploy/README.md, "Inboxes".


@pytest.mark.parametrize("snooper", [MONITORING, BARI])
async def test_nobody_may_subscribe_to_the_consortiums_inboxes(connect_as: Connect, snooper: str) -> None:
    nc, errors = await connect_as(snooper)
    consortium_inboxes = f"{inbox_prefix_of(CONSORTIUM)}.>"
    await nc.subscribe(consortium_inboxes)
    assert "subscription" in (await violation(nc, errors, consortium_inboxes)).lower()
    # Nor the default inbox space, nor one of the consortium's inboxes by its full name.
    await nc.subscribe(f"{DEFAULT_INBOX}.>")
    await violation(nc, errors, f"{DEFAULT_INBOX}.>")
    one_inbox = f"{inbox_prefix_of(CONSORTIUM)}.{nats.nuid.NUID().next().decode()}"
    await nc.subscribe(one_inbox)
    await violation(nc, errors, one_inbox)


async def test_monitoring_hears_nothing_of_the_consortiums_restricted_fetch_and_rpc(connect_as: Connect) -> None:
    await publish_events(connect_as)
    spy, spy_errors = await connect_as(MONITORING)
    overheard: list[str] = []

    async def record(msg) -> None:  # type: ignore[no-untyped-def]
        overheard.append(msg.subject)

    for subject in [f"{inbox_prefix_of(CONSORTIUM)}.>", f"{DEFAULT_INBOX}.>"]:
        await spy.subscribe(subject, cb=record)
    await spy.flush()

    bari, _ = await connect_as(BARI)

    async def answer(msg) -> None:  # type: ignore[no-untyped-def]
        await msg.respond(b'{"name": "Maria", "phone": "+39 080 000000"}')

    await bari.subscribe("cantiere.rpc.referrals.bari.contact-details", cb=answer)
    await bari.flush()
    consortium, _ = await connect_as(CONSORTIUM)
    reply = await consortium.request("cantiere.rpc.referrals.bari.contact-details", b"{}", timeout=2)
    assert b"Maria" in reply.data
    durable, subjects = consortium_subscription_on(RESTRICTED)
    read = await fetch_all(consortium, RESTRICTED, durable, filtered(durable, subjects[0]))
    assert "cantiere.restricted.referrals.bari.SafetyConstraintsRecorded" in read

    await violation(spy, spy_errors, f"{inbox_prefix_of(CONSORTIUM)}.>")  # both subscriptions were refused
    await violation(spy, spy_errors, f"{DEFAULT_INBOX}.>")
    await spy.flush()
    await asyncio.sleep(0.1)
    assert overheard == []


async def test_the_consortium_gets_its_rpc_answers_on_its_own_inbox(connect_as: Connect) -> None:
    bari, bari_errors = await connect_as(BARI)

    async def answer(msg) -> None:  # type: ignore[no-untyped-def]
        await msg.respond(b'{"cleared": true}')

    await bari.subscribe("cantiere.rpc.referrals.bari.clearance", queue="referrals-bari", cb=answer)
    await bari.flush()
    consortium, errors = await connect_as(CONSORTIUM)
    reply = await consortium.request("cantiere.rpc.referrals.bari.clearance", b"{}", timeout=2)
    assert reply.data == b'{"cleared": true}'
    assert reply.subject.startswith(f"{inbox_prefix_of(CONSORTIUM)}.")  # the reply came on its own prefix
    assert not errors.violations() and not bari_errors.violations()


async def test_jetstream_replies_use_the_own_prefix_api_pull_and_publish_acks(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(CONSORTIUM)
    prefix = inbox_prefix_of(CONSORTIUM)
    js = nc.jetstream(timeout=2)
    # API answers (request mux).
    info = await js.stream_info(RESTRICTED)
    assert info.config.name == RESTRICTED
    # Pull deliveries from the restricted stream.
    durable, subjects = consortium_subscription_on(RESTRICTED)
    await js.add_consumer(RESTRICTED, filtered(durable, subjects[0]))
    sub = await js.pull_subscribe_bind(durable, RESTRICTED)
    assert sub._sub.subject.startswith(f"{prefix}.")
    msgs = await sub.fetch(50, timeout=2)
    assert msgs and all(m.reply.startswith(f"$JS.ACK.{RESTRICTED}.{durable}.") for m in msgs)
    for msg in msgs:
        await msg.ack_sync()
    await sub.unsubscribe()
    # Publish acks of publish_async (its own reply prefix).
    future = await js.publish_async(
        "cantiere.public.placements.bari.InternshipStarted", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
    )
    ack = await asyncio.wait_for(future, 2)
    assert ack.stream == PUBLIC
    assert not errors.violations()


async def test_a_municipality_fetches_with_its_own_prefix(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(MOLA)
    durable = municipal_durable("mola-di-bari")
    read = await fetch_all(nc, PUBLIC, durable, filtered(durable, "cantiere.public.placements.mola-di-bari.>"))
    assert read and set(read) == {"cantiere.public.placements.mola-di-bari.InternshipStarted"}
    assert not errors.violations()


@pytest.mark.parametrize("user", [CONSORTIUM, MONITORING, BARI])
async def test_a_client_that_forgets_its_prefix_fails_fast_at_jetstream(connect_as: Connect, user: str) -> None:
    nc, errors = await connect_as(user, inbox_prefix=DEFAULT_INBOX)  # nats-py's default: _INBOX
    js = nc.jetstream(timeout=1)
    started = asyncio.get_running_loop().time()
    with pytest.raises(TimeoutError):
        # The outer bound only guards the test itself: nats-py's own 1 s timeout must fire first.
        await asyncio.wait_for(js.stream_info(PUBLIC), 5)
    assert asyncio.get_running_loop().time() - started < 3
    # What the operator sees in the logs (bus._error_cb logs it as nats_permission_violation).
    message = await violation(nc, errors, f"{DEFAULT_INBOX}.")
    assert "subscription" in message.lower()


async def test_a_consortium_without_its_prefix_can_neither_fetch_nor_get_publish_acks(connect_as: Connect) -> None:
    await publish_events(connect_as)
    nc, errors = await connect_as(CONSORTIUM, inbox_prefix=DEFAULT_INBOX)
    durable, _ = consortium_subscription_on(RESTRICTED)
    js = nc.jetstream(timeout=1)
    # A pull fetch: its delivery subscription is refused, so nothing arrives; fetch gives up.
    sub = await js.pull_subscribe_bind(durable, RESTRICTED)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(sub.fetch(1, timeout=1), 5)
    # publish_async's future would wait forever: its ack never comes, so bound it (as the relay does).
    future = await js.publish_async(
        "cantiere.public.placements.bari.InternshipStarted", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
    )
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(future, 1)
    assert "subscription" in (await violation(nc, errors, f"{DEFAULT_INBOX}.")).lower()
