"""Domain errors of the placements service, with messages a placement operator understands."""

from __future__ import annotations


class DomainError(Exception):
    """A command the placements rules refuse; the message says why in plain words."""


class NotFound(DomainError):
    """The record the command is about does not exist (yet)."""


class WrongState(DomainError):
    """The command does not fit where the case stands now."""


class InvalidHost(DomainError):
    """The host's data break a registration rule (VAT number, declarations, headcount)."""


class RuleBroken(DomainError):
    """The command breaks a regional internship rule from the rules table."""


class NotYourIntern(DomainError):
    """A company tutor acted on an intern of another host."""
