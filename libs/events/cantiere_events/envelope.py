"""The envelope: metadata about an event, kept apart from its payload."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, SerializeAsAny, field_validator

from cantiere_events.base import Audience, Event, Producer
from cantiere_events.ids import uuid7

TENANT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"

# Shapes of personal data that the id patterns would otherwise let through into headers.
_D = "[0-9LMNPQRSTUV]"  # a tax code digit, or its omocodia letter
_TAX_CODE = re.compile(rf"[A-Z]{{6}}{_D}{{2}}[A-Z]{_D}{{2}}[A-Z]{_D}{{3}}[A-Z]", re.I)
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


def _not_personal(value: str) -> str:
    if _TAX_CODE.search(value) or _PHONE.match(value):
        raise ValueError("looks like a tax code or a phone number: ids on the bus must be pseudonymous")
    return value


class Actor(BaseModel):
    """Who caused an event: a pseudonymous user id and a role, never a name."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    user_id: str = Field(pattern=r"^[A-Za-z0-9_:-]{1,64}$")
    role: str = Field(pattern=r"^[a-z_]{1,40}$")

    _user_id_is_pseudonymous = field_validator("user_id")(_not_personal)


class Metadata(BaseModel):
    """Everything about an event except its payload; maps one to one onto CloudEvents attributes."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    event_id: uuid.UUID
    event_type: str
    schema_version: int = Field(ge=1)
    occurred_at: AwareDatetime
    producer: Producer
    partner: str = Field(pattern=TENANT_PATTERN)
    audience: Audience
    aggregate_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_:-]+$")
    aggregate_version: int = Field(ge=1)
    correlation_id: uuid.UUID
    causation_id: uuid.UUID | None = None
    actor: Actor | None = None

    _aggregate_id_is_pseudonymous = field_validator("aggregate_id")(_not_personal)


class Envelope(BaseModel):
    """A public event ready to cross the bus: metadata plus payload."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    metadata: Metadata
    payload: SerializeAsAny[Event]


def wrap(
    payload: Event,
    *,
    partner: str,
    aggregate_id: str,
    aggregate_version: int,
    occurred_at: datetime,
    correlation_id: uuid.UUID | None = None,
    causation_id: uuid.UUID | None = None,
    actor: Actor | None = None,
    event_id: uuid.UUID | None = None,
) -> Envelope:
    """Put a public event into an envelope, filling type, version, producer and audience from its class."""
    if payload.producer is None:
        raise ValueError(f"{type(payload).__name__} has no producer: only public or restricted events are wrapped")
    if payload.audience is Audience.PRIVATE:
        raise ValueError(f"{payload.event_type} is private and never crosses the bus")
    event_id = event_id or uuid7()
    return Envelope(
        metadata=Metadata(
            event_id=event_id,
            event_type=payload.event_type,
            schema_version=payload.event_version,
            occurred_at=occurred_at,
            producer=payload.producer,
            partner=partner,
            audience=payload.audience,
            aggregate_id=aggregate_id,
            aggregate_version=aggregate_version,
            correlation_id=correlation_id or event_id,
            causation_id=causation_id,
            actor=actor,
        ),
        payload=payload,
    )
