"""Subject names on the bus: cantiere.<audience>.<producer>.<partner>.<event_type>.

Subjects carry only the audience, the producing service, the partner (tenant
code) and the event type: never an id of a person, never personal data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cantiere_events.base import TYPE_NAME, Audience, Producer
from cantiere_events.errors import InvalidSubject

ROOT = "cantiere"
PARTNER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True, slots=True)
class Subject:
    """The parts of an event subject."""

    audience: Audience
    producer: Producer
    partner: str
    event_type: str

    def __str__(self) -> str:
        return build_subject(self.audience, self.producer, self.partner, self.event_type)


def build_subject(audience: Audience, producer: Producer, partner: str, event_type: str) -> str:
    """The subject an event is published on."""
    if audience is Audience.PRIVATE:
        raise InvalidSubject("private events never cross the bus")
    if not PARTNER.match(partner):
        raise InvalidSubject(f"partner code {partner!r} must be lowercase letters, digits, '-' or '_'")
    if not TYPE_NAME.match(event_type):
        raise InvalidSubject(f"event type {event_type!r} is not a valid type name")
    return f"{ROOT}.{Audience(audience).value}.{Producer(producer).value}.{partner}.{event_type}"


def parse_subject(subject: str) -> Subject:
    """The parts of an event subject; raises InvalidSubject if it does not follow the form."""
    tokens = subject.split(".")
    if len(tokens) != 5 or tokens[0] != ROOT:
        raise InvalidSubject(f"{subject!r} is not of the form {ROOT}.<audience>.<producer>.<partner>.<type>")
    _, audience, producer, partner, event_type = tokens
    try:
        parsed = Subject(Audience(audience), Producer(producer), partner, event_type)
    except ValueError as exc:
        raise InvalidSubject(f"{subject!r}: {exc}") from None
    build_subject(parsed.audience, parsed.producer, parsed.partner, parsed.event_type)  # validates the rest
    return parsed


def audience_filter(audience: Audience) -> str:
    """Every subject of one audience (a stream's or a permission's subject filter)."""
    return f"{ROOT}.{Audience(audience).value}.>"


def partner_filter(audience: Audience, partner: str, producer: Producer | None = None) -> str:
    """Every subject of one audience that concerns one partner, optionally from one producer."""
    return f"{ROOT}.{Audience(audience).value}.{Producer(producer).value if producer else '*'}.{partner}.*"


def request_subject(service: Producer, partner: str, question: str) -> str:
    """The request/reply subject of a question a service answers for one partner (no personal data in it)."""
    if not PARTNER.match(partner) or not re.match(r"^[a-z][a-z0-9-]{0,40}$", question):
        raise InvalidSubject(f"bad request subject parts: {partner!r}, {question!r}")
    return f"{ROOT}.rpc.{Producer(service).value}.{partner}.{question}"
