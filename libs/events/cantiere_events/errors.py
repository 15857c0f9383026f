"""Errors raised by the contract when a message or an event does not fit it."""

from __future__ import annotations


class ContractError(Exception):
    """Base of every contract error: the message says in plain words what is wrong."""


class UnknownEventType(ContractError):
    """An event type name that no registered model carries."""

    def __init__(self, event_type: str) -> None:
        super().__init__(f"unknown event type {event_type!r}: no model is registered under this name")
        self.event_type = event_type


class UnsupportedVersion(ContractError):
    """A schema version that is newer than this code knows, or not a positive integer."""

    def __init__(self, event_type: str, version: object, latest: int) -> None:
        super().__init__(
            f"event {event_type!r} has schema version {version!r}, but this code knows versions 1 to {latest}"
        )
        self.event_type = event_type
        self.version = version
        self.latest = latest


class InvalidPayload(ContractError):
    """A payload that does not validate against its event model."""

    def __init__(self, event_type: str, detail: str) -> None:
        super().__init__(f"payload of event {event_type!r} is invalid: {detail}")
        self.event_type = event_type


class InvalidEnvelope(ContractError):
    """Metadata (headers) missing or malformed."""


class DuplicateRegistration(ContractError):
    """Two models registered under the same type name, or one model under two names."""


class InvalidSubject(ContractError):
    """A subject that does not follow the cantiere.<audience>.<producer>.<partner>.<type> form."""
