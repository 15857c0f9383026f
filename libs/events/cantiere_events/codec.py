"""Encode envelopes to NATS messages and back, in the CloudEvents 1.0 binary content mode.

The body is the payload as JSON; the metadata travels in ``ce-`` headers, so any
CloudEvents SDK reads a Cantiere event. ``Nats-Msg-Id`` is the event id, which lets
JetStream drop a republished duplicate. Headers carry no personal data: ids are
random, the actor is pseudonymous.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from cantiere_events.base import Audience
from cantiere_events.envelope import Actor, Envelope, Metadata
from cantiere_events.errors import InvalidEnvelope, UnsupportedVersion
from cantiere_events.registry import EventRegistry, plain_errors
from cantiere_events.subjects import build_subject

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
MSG_ID = "Nats-Msg-Id"

# CloudEvents extension attributes: lowercase letters and digits only.
_EXTENSIONS = {
    "schemaversion": "schema_version",
    "partner": "partner",
    "producer": "producer",
    "audience": "audience",
    "aggregateid": "aggregate_id",
    "aggregateversion": "aggregate_version",
    "correlationid": "correlation_id",
    "causationid": "causation_id",
}
_REQUIRED = ("ce-id", "ce-source", "ce-time", "ce-schemaversion", "ce-partner", "ce-producer", "ce-audience",
             "ce-aggregateid", "ce-aggregateversion", "ce-correlationid")  # fmt: skip
_REQUIRED_SET = frozenset(_REQUIRED)
_EXTENSION_HEADERS = tuple((f"ce-{attr}", field) for attr, field in _EXTENSIONS.items())


@dataclass(frozen=True, slots=True)
class NatsMessage:
    """What a publisher hands to NATS: subject, body and headers."""

    subject: str
    data: bytes
    headers: dict[str, str]


def subject_of(meta: Metadata) -> str:
    """The subject of an event, from its metadata."""
    return build_subject(meta.audience, meta.producer, meta.partner, meta.event_type)


def source_of(meta: Metadata) -> str:
    """The CloudEvents ``source``: the producing service of one partner."""
    return f"/cantiere/{meta.producer.value}/{meta.partner}"


def encode(envelope: Envelope) -> NatsMessage:
    """An envelope as a NATS message (subject, JSON body, ``ce-`` headers and ``Nats-Msg-Id``)."""
    meta = envelope.metadata
    headers = {
        MSG_ID: str(meta.event_id),
        "ce-specversion": SPEC_VERSION,
        "ce-id": str(meta.event_id),
        "ce-source": source_of(meta),
        "ce-type": meta.event_type,
        "ce-time": meta.occurred_at.isoformat(),
        "ce-subject": meta.aggregate_id,
        "content-type": CONTENT_TYPE,
    }
    for attr, field in _EXTENSIONS.items():
        value = getattr(meta, field)
        if value is not None:
            headers[f"ce-{attr}"] = str(getattr(value, "value", value))
    if meta.actor is not None:
        headers["ce-actorid"] = meta.actor.user_id
        headers["ce-actorrole"] = meta.actor.role
    return NatsMessage(subject_of(meta), envelope.payload.model_dump_json().encode(), headers)


def decode(data: bytes, headers: Mapping[str, str] | None, registry: EventRegistry) -> Envelope:
    """A NATS message back into an envelope, lifting old payloads to the current version.

    Raises InvalidEnvelope (headers), UnknownEventType, UnsupportedVersion or
    InvalidPayload, each with a message that says what is wrong.
    """
    h = {k.lower(): v for k, v in (headers or {}).items()}
    if h.get("ce-specversion") != SPEC_VERSION:
        # Header values are never echoed: a malformed message may carry anything.
        raise InvalidEnvelope(f"not a CloudEvents {SPEC_VERSION} message (ce-specversion missing or different)")
    if "ce-type" not in h:
        raise InvalidEnvelope("header ce-type is missing")
    event_type = h["ce-type"]
    model = registry.model(event_type)  # UnknownEventType first: it is the most useful message
    if not _REQUIRED_SET.issubset(h):
        missing = [name for name in _REQUIRED if name not in h]
        raise InvalidEnvelope(f"{event_type}: header{'s' if len(missing) > 1 else ''} {', '.join(missing)} missing")
    raw_version = h["ce-schemaversion"]
    if not raw_version.isdigit():
        raise UnsupportedVersion(event_type, raw_version, model.event_version)
    payload = registry.load(event_type, int(raw_version), data)
    actor = None
    if "ce-actorid" in h:
        actor = {"user_id": h["ce-actorid"], "role": h.get("ce-actorrole", "")}
    fields = {field: h.get(header) for header, field in _EXTENSION_HEADERS}
    try:
        event_id = uuid.UUID(h["ce-id"])
    except ValueError:
        raise InvalidEnvelope(f"{event_type}: malformed CloudEvents headers: ce-id is not a UUID") from None
    try:
        meta = Metadata(
            event_id=event_id,
            event_type=event_type,
            occurred_at=h["ce-time"],  # type: ignore[arg-type]
            actor=Actor.model_validate(actor) if actor else None,
            **{**fields, "schema_version": payload.event_version},  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        # Locations and messages only: pydantic's own text would echo the offending values.
        raise InvalidEnvelope(f"{event_type}: malformed CloudEvents headers: {plain_errors(exc)}") from None
    if meta.audience is Audience.PRIVATE:
        raise InvalidEnvelope("a private event was found on the bus")
    if (meta.audience, meta.producer) != (model.audience, model.producer):
        raise InvalidEnvelope(
            f"{event_type} is a {model.audience.value} event of {getattr(model.producer, 'value', None)}, "
            f"but the message says {meta.audience.value} from {meta.producer.value}"
        )
    return Envelope(metadata=meta, payload=payload)
