"""The placements service's own event registry (private events, never on the bus as such)."""

from cantiere_events import EventRegistry

REGISTRY = EventRegistry("placements")
