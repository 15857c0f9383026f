"""A registry of stable event type names to models and back, with upcasters between versions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from pydantic import ValidationError

from cantiere_events.base import TYPE_NAME, Audience, Event, Producer
from cantiere_events.errors import DuplicateRegistration, InvalidPayload, UnknownEventType, UnsupportedVersion

E = TypeVar("E", bound=type[Event])
Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class EventRegistry:
    """Maps type names to the current model of each event, and knows how to lift old payloads."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._by_type: dict[str, type[Event]] = {}
        self._by_model: dict[type[Event], str] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, model: E) -> E:
        """Register a model under its ``event_type``; usable as a class decorator."""
        name = getattr(model, "event_type", None)
        if not isinstance(name, str) or not TYPE_NAME.match(name):
            raise ValueError(f"{self.name}: {model.__name__} needs an event_type like 'ReferralSubmitted' ({name!r})")
        version = model.event_version
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise ValueError(f"{self.name}: {name} has event_version {version!r}; versions are integers from 1")
        if model.audience is not Audience.PRIVATE and model.producer is None:
            raise ValueError(f"{self.name}: {name} is {model.audience.value} but names no producer")
        if model in self._by_model:
            known = self._by_model[model]
            raise DuplicateRegistration(f"{self.name}: {model.__name__} is already registered as {known!r}")
        if name in self._by_type:
            other = self._by_type[name].__name__
            raise DuplicateRegistration(f"{self.name}: type name {name!r} is already registered by {other}")
        self._by_type[name] = model
        self._by_model[model] = name
        return model

    def upcaster(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function lifting a payload from ``from_version`` to the next version."""
        if not isinstance(from_version, int) or isinstance(from_version, bool) or from_version < 1:
            raise ValueError(f"{self.name}: upcaster {event_type} must start from a version >= 1, not {from_version!r}")

        def decorate(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._upcasters:
                raise DuplicateRegistration(f"{self.name}: upcaster {event_type} v{from_version} already registered")
            self._upcasters[key] = fn
            return fn

        return decorate

    def model(self, event_type: str) -> type[Event]:
        """The current model of a type name."""
        try:
            return self._by_type[event_type]
        except KeyError:
            raise UnknownEventType(event_type) from None

    def type_name(self, model: type[Event]) -> str:
        """The type name a model is registered under."""
        try:
            return self._by_model[model]
        except KeyError:
            raise UnknownEventType(model.__name__) from None

    def events(self, *, producer: Producer | None = None, audience: Audience | None = None) -> list[type[Event]]:
        """The registered models in registration order, optionally only those of one producer and/or audience."""
        return [
            m
            for m in self._by_type.values()
            if (producer is None or m.producer is producer) and (audience is None or m.audience is audience)
        ]

    def has_upcaster(self, event_type: str, from_version: int) -> bool:
        """Whether a step lifting ``event_type`` from ``from_version`` to the next version is registered."""
        return (event_type, from_version) in self._upcasters

    def missing_upcasters(self) -> list[tuple[str, int]]:
        """Every (type, version) below a model's current version that has no upcaster step: empty when all is well."""
        return [
            (m.event_type, v)
            for m in self._by_type.values()
            for v in range(1, m.event_version)
            if not self.has_upcaster(m.event_type, v)
        ]

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._by_type

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(sorted(self._by_type.values(), key=lambda m: m.event_type))

    def __len__(self) -> int:
        return len(self._by_type)

    def upcast(self, event_type: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
        """Lift a payload from ``version`` to the current version, one step at a time."""
        latest = self.model(event_type).event_version
        if not isinstance(version, int) or isinstance(version, bool) or version < 1 or version > latest:
            raise UnsupportedVersion(event_type, version, latest)
        while version < latest:
            step = self._upcasters.get((event_type, version))
            if step is None:
                raise UnsupportedVersion(event_type, version, latest)
            data = step(dict(data))
            if not isinstance(data, dict):
                raise InvalidPayload(event_type, f"the upcaster from version {version} did not return a JSON object")
            version += 1
        return data

    def load(self, event_type: str, version: int, data: Mapping[str, Any] | bytes | str) -> Event:
        """Build the current model of an event from a stored or received payload of any known version.

        A payload of the current version, as JSON text, is validated straight from the text (one pass, no
        intermediate dict); if that fails, the general path below runs and says what is wrong.
        """
        model = self.model(event_type)
        if isinstance(data, (bytes, str)) and version == model.event_version and type(version) is int:
            try:
                return model.model_validate_json(data)
            except ValidationError:
                pass  # the general path gives the precise error (not JSON, not an object, which field)
        if isinstance(data, (bytes, str)):
            try:
                data = json.loads(data)
            except ValueError as exc:
                raise InvalidPayload(event_type, f"not JSON ({exc})") from None
        if not isinstance(data, Mapping):
            raise InvalidPayload(event_type, "the payload is not a JSON object")
        lifted = self.upcast(event_type, version, dict(data))
        try:
            return model.model_validate(lifted)
        except ValidationError as exc:
            raise InvalidPayload(event_type, plain_errors(exc)) from None

    @staticmethod
    def dump(event: Event) -> str:
        """The payload of an event as compact JSON."""
        return event.model_dump_json()


def plain_errors(exc: ValidationError) -> str:
    """A validation error as locations and messages only, never the offending input."""
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "payload"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)
