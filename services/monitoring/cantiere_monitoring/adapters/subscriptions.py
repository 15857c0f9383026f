"""Which public subjects feed each monitoring projection: never a restricted one."""

from __future__ import annotations

from cantiere_events import Audience, Event
from cantiere_events.contract import PUBLIC
from cantiere_runtime.bus import PUBLIC_STREAM
from cantiere_runtime.service import StreamSubscription

from cantiere_monitoring.adapters.projections import (
    AggregateStatisticsConsent,
    HostsRecruitedAndRetained,
    PersonJourneys,
)


def public_subjects(event_types: tuple[type[Event], ...]) -> list[str]:
    """The subjects of these event types from every partner; refuses any event that is not public."""
    subjects = []
    for model in event_types:
        if model.audience is not Audience.PUBLIC or model.producer is None:
            raise ValueError(f"monitoring reads public events only, not {model.event_type}")
        subjects.append(f"cantiere.public.{model.producer.value}.*.{model.event_type}")
    return subjects


def monitoring_subscriptions(partner: str = "cabina-di-regia") -> list[StreamSubscription]:
    """One durable consumer of the public stream per projection, named monitoring-<partner>-<projection>.

    deploy/nats/generate.py grants exactly these durables to the monitoring user.
    """
    projections = (PersonJourneys(), AggregateStatisticsConsent(), HostsRecruitedAndRetained())
    return [
        StreamSubscription(
            projection=projection,
            stream=PUBLIC_STREAM.name,
            subjects=public_subjects(projection.event_types),
            durable=f"monitoring-{partner}-{projection.name.replace('_', '-')}",
            registry=PUBLIC,
        )
        for projection in projections
    ]
