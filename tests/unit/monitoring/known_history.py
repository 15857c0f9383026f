"""A small invented history whose figures are computed by hand in the tests."""

from __future__ import annotations

from datetime import date

from cantiere_events import Event
from cantiere_events.codes import AgeBand, ConsentScope, ContractType
from cantiere_monitoring.adapters.projections import (
    AggregateStatisticsConsent,
    HostsRecruitedAndRetained,
    PersonJourneys,
)
from cantiere_monitoring.bootstrap import COMPONENT
from cantiere_runtime.migrate import migrate
from cantiere_runtime.projector import Projection, apply_once
from sqlalchemy.ext.asyncio import AsyncEngine

from .history import consent, host_registered, journey, recorded

REFERRED = date(2008, 3, 3)


def known_history() -> list[Event]:
    """P1-P3 hired (permanent), P4-P5 not hired, P6-P7 interrupted, P8 (Mola) running, P9 never consented."""
    events: list[Event] = [host_registered(1, date(2008, 1, 10))]
    for n in (1, 2, 3):
        events += journey(n, REFERRED, hired=ContractType.PERMANENT)
    for n in (4, 5):
        events += journey(n, REFERRED, age=AgeBand.FROM_35_TO_44)
    for n in (6, 7):
        events += journey(n, REFERRED, until="interrupted")
    events += journey(8, REFERRED, municipality="mola-di-bari", until="running")
    no_statistics = journey(9, REFERRED, until="referred")
    no_statistics[0] = consent(9, REFERRED, ConsentScope.SHARE_WITH_CONSORTIUM)
    return events + no_statistics


def projections() -> list[Projection]:
    """Every monitoring projection."""
    return [PersonJourneys(), AggregateStatisticsConsent(), HostsRecruitedAndRetained()]


async def project(engine: AsyncEngine, events: list[Event], start: int = 0) -> None:
    """Feed events to every projection through `apply`, as the stream projector would."""
    await migrate(engine, COMPONENT)
    for item in recorded(events):
        item = type(item)(item.event, item.metadata, item.position + start)
        for projection in projections():
            if type(item.event) in projection.event_types:  # type: ignore[attr-defined]
                await apply_once(engine, projection, item)
