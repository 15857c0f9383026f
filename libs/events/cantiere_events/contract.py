"""The public contract: ``PUBLIC``, the registry of every event that may cross the bus.

This module is the single source: consumers decode with ``PUBLIC``, the catalogue
and the JSON Schema snapshots are made from it. A new contract event is defined
in ``referrals`` or ``placements`` and listed in that module's ``EVENTS``.
Upcasters of old versions are registered here, next to the registry::

    @PUBLIC.upcaster("ReferralSubmitted", from_version=1)
    def _referral_submitted_v1_v2(data: dict[str, Any]) -> dict[str, Any]:
        return {**data, "new_field": "default"}
"""

from __future__ import annotations

from cantiere_events import placements, referrals
from cantiere_events.base import Audience, Event, Producer
from cantiere_events.registry import EventRegistry

PUBLIC = EventRegistry("public")
"""Every public and restricted event of the contract, by stable type name."""

for _model in (*referrals.EVENTS, *placements.EVENTS):
    PUBLIC.register(_model)


def events(*, producer: Producer | None = None, audience: Audience | None = None) -> list[type[Event]]:
    """The contract's events in process order, optionally only those of one producer and/or audience."""
    return PUBLIC.events(producer=producer, audience=audience)
