"""NATS connection and JetStream streams: settings per service, logged errors, one idempotent bootstrap."""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import structlog
from cantiere_events import Audience
from cantiere_events.subjects import audience_filter
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js.api import DiscardPolicy, ExternalStream, RetentionPolicy, StorageType, StreamConfig, StreamSource
from nats.js.client import JetStreamContext
from nats.js.errors import NotFoundError
from pydantic import BaseModel, SecretStr

log = structlog.get_logger("cantiere.bus")

DAY = 24 * 3600


class NatsSettings(BaseModel):
    """How a service reaches NATS: URL, its own identity (user/password or creds file) and TLS."""

    # One URL, or every node of a cluster separated by commas (nats://n1:4222,nats://n2:4222,...):
    # the client then reconnects to another node when the one it uses fails.
    url: str = "nats://127.0.0.1:4222"
    user: str | None = None
    password: SecretStr | None = None
    creds_file: Path | None = None
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    connect_timeout: float = 2.0
    # A per-user inbox prefix (e.g. "_INBOX.placements") lets permissions keep each user's
    # replies away from the others: nobody else may subscribe to them.
    inbox_prefix: str | None = None


@dataclass(frozen=True)
class StreamSpec:
    """A stream Cantiere relies on."""

    name: str
    subjects: tuple[str, ...]
    description: str


PUBLIC_STREAM = StreamSpec("CANTIERE_PUBLIC", (audience_filter(Audience.PUBLIC),), "events every partner may read")
RESTRICTED_STREAM = StreamSpec(
    "CANTIERE_RESTRICTED",
    (audience_filter(Audience.RESTRICTED),),
    "safety constraints and keep-apart tokens: consortium and referring municipality only",
)
DEAD_LETTER_STREAM = StreamSpec(
    "CANTIERE_DEADLETTER", ("cantiere.deadletter.>",), "messages a projector could not apply after max_deliver"
)
STREAMS = (PUBLIC_STREAM, RESTRICTED_STREAM, DEAD_LETTER_STREAM)

# The relay retries with a backoff capped at seconds; a day of duplicate window also covers
# a relay process that stays down for hours between publishing and marking sent.
DUPLICATE_WINDOW_SECONDS = DAY


async def _error_cb(exc: Exception) -> None:
    text = str(exc)
    if "permission" in text.lower():
        log.error("nats_permission_violation", error=text)
    else:
        log.warning("nats_error", error=text, kind=type(exc).__name__)


async def _disconnected_cb() -> None:
    log.warning("nats_disconnected")


async def _reconnected_cb() -> None:
    log.info("nats_reconnected")


def _tls(settings: NatsSettings) -> ssl.SSLContext | None:
    if not (settings.tls_ca or settings.tls_cert):
        return None
    context = ssl.create_default_context(cafile=str(settings.tls_ca) if settings.tls_ca else None)
    if settings.tls_cert:
        context.load_cert_chain(str(settings.tls_cert), str(settings.tls_key) if settings.tls_key else None)
    return context


def server_urls(url: str) -> list[str]:
    """The servers named by a URL setting: one, or a comma-separated list of a cluster's nodes."""
    urls = [u.strip() for u in url.split(",") if u.strip()]
    if not urls:
        raise ValueError("no NATS server URL given")
    return urls


async def connect(settings: NatsSettings, *, name: str, **overrides: Any) -> Client:
    """Connect with the service's own identity; permission violations and disconnects are logged."""
    options: dict[str, Any] = {
        "servers": server_urls(settings.url),
        "name": name,
        "error_cb": _error_cb,
        "disconnected_cb": _disconnected_cb,
        "reconnected_cb": _reconnected_cb,
        "connect_timeout": settings.connect_timeout,
        "max_reconnect_attempts": -1,
        "reconnect_time_wait": 0.5,
        "allow_reconnect": True,
    }
    if settings.user:
        options["user"] = settings.user
        options["password"] = settings.password.get_secret_value() if settings.password else ""
    if settings.inbox_prefix:
        options["inbox_prefix"] = settings.inbox_prefix
    if settings.creds_file:
        options["user_credentials"] = str(settings.creds_file)
    tls = _tls(settings)
    if tls is not None:
        options["tls"] = tls
    options.update(overrides)
    return await nats.connect(**options)


Leaf = str | tuple[str, Sequence[str]]  # a referrals process alone (its own municipality), or with those it serves


def _leaf(leaf: Leaf) -> tuple[str, Sequence[str]]:
    return (leaf, (leaf,)) if isinstance(leaf, str) else leaf


def leaf_outbox(process: str, municipalities: Sequence[str] | None = None) -> StreamSpec:
    """The stream on a referrals process's leaf server (its own JetStream domain, named after the process) that
    keeps the events of the municipalities it serves (just ``process`` when none are given).

    The process publishes there, and gets acks even while the link to the hub is down; the hub sources it
    (``hub_sources``) when the link is up: store and forward.
    """
    served = tuple(municipalities or (process,))
    return StreamSpec(
        f"{process.upper().replace('-', '_')}_OUTBOX",
        tuple(f"cantiere.{a.value}.referrals.{m}.>" for a in (Audience.PUBLIC, Audience.RESTRICTED) for m in served),
        f"events of {', '.join(served)} (referrals process {process}), held on its premises until the hub sources them",
    )


def hub_sources(stream: StreamSpec, leaves: Sequence[Leaf]) -> list[StreamSource]:
    """What a hub stream sources from the leaves' outboxes: each leaf's subjects of that stream's audience.

    The sourcing consumer lives in the leaf's domain (``$JS.<m>.API``); its deliveries cross the
    link on ``cantiere-sourcing.<m>``, which the leaf user may publish (deploy/nats/generate.py).
    """
    sources = []
    for leaf in leaves:
        process, served = _leaf(leaf)
        outbox = leaf_outbox(process, served)
        wanted = [s for s in outbox.subjects if any(_covers(f, s) for f in stream.subjects)]
        for subject in wanted:
            sources.append(
                StreamSource(
                    name=outbox.name,
                    filter_subject=subject,
                    external=ExternalStream(api=f"$JS.{process}.API", deliver=f"cantiere-sourcing.{process}"),
                )
            )
    return sources


def _covers(pattern: str, subject: str) -> bool:
    # Enough for Cantiere's filters: "cantiere.public.>" covers "cantiere.public.referrals.bari.>".
    return subject.startswith(pattern[:-1]) if pattern.endswith(">") else pattern == subject


async def declare_streams(
    js: JetStreamContext,
    *,
    replicas: int = 1,
    specs: tuple[StreamSpec, ...] = STREAMS,
    leaves: Sequence[Leaf] = (),
) -> list[str]:
    """Create or update Cantiere's streams (file storage, long duplicate window); idempotent.

    Run once by the deployment's bootstrap step; services only bind to existing streams.
    ``leaves``: referrals processes (with the municipalities they serve) publishing to a leaf server; the hub's
    streams source their outboxes (declare those on each leaf with ``declare_leaf_outbox``).
    """
    done = []
    for spec in specs:
        config = StreamConfig(
            name=spec.name,
            description=spec.description,
            subjects=list(spec.subjects),
            storage=StorageType.FILE,
            retention=RetentionPolicy.LIMITS,
            discard=DiscardPolicy.OLD,
            duplicate_window=DUPLICATE_WINDOW_SECONDS,
            num_replicas=replicas,
            allow_direct=True,
            sources=hub_sources(spec, leaves) or None,
        )
        try:
            await js.stream_info(spec.name)
            await js.update_stream(config)
            action = "updated"
        except NotFoundError:
            await js.add_stream(config)
            action = "created"
        log.info("stream_declared", stream=spec.name, action=action)
        done.append(spec.name)
    return done


async def declare_leaf_outbox(js: JetStreamContext, process: str, municipalities: Sequence[str] | None = None) -> str:
    """Create or update a referrals process's outbox stream on its leaf server (connect to the leaf); idempotent."""
    names = await declare_streams(js, specs=(leaf_outbox(process, municipalities),))
    return names[0]


async def is_connected(nc: Client | None) -> bool:
    """Whether a connection is up and the server answers a round trip."""
    if nc is None or not nc.is_connected:
        return False
    try:
        await nc.flush(timeout=1)
    except (NatsError, TimeoutError):
        return False
    return True
