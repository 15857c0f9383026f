"""Cantiere's public event contract: what every partner may read on the bus."""

from cantiere_events.base import Audience, Event, Producer, PublicEvent
from cantiere_events.codec import NatsMessage, decode, encode
from cantiere_events.envelope import Actor, Envelope, Metadata, wrap
from cantiere_events.errors import (
    ContractError,
    DuplicateRegistration,
    InvalidEnvelope,
    InvalidPayload,
    InvalidSubject,
    UnknownEventType,
    UnsupportedVersion,
)
from cantiere_events.ids import uuid7
from cantiere_events.registry import EventRegistry
from cantiere_events.subjects import Subject, build_subject, parse_subject

__all__ = [
    "Actor",
    "Audience",
    "ContractError",
    "DuplicateRegistration",
    "Envelope",
    "Event",
    "EventRegistry",
    "InvalidEnvelope",
    "InvalidPayload",
    "InvalidSubject",
    "Metadata",
    "NatsMessage",
    "Producer",
    "PublicEvent",
    "Subject",
    "UnknownEventType",
    "UnsupportedVersion",
    "build_subject",
    "decode",
    "encode",
    "parse_subject",
    "uuid7",
    "wrap",
]
