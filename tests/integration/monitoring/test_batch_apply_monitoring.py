"""Monitoring's projections applied a batch at a time leave exactly the rows that one event at a time leaves.

Events arrive in any order between producers, people withdraw consent or are erased at any point, and a batch
may hold several events of one person, her erasure, and events after it (both databases).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from cantiere_events import Event
from cantiere_events.codes import ContractType
from cantiere_events.placements import IntakeInterviewHeld, SkillsAssessed
from cantiere_monitoring.adapters.projections import (
    AggregateStatisticsConsent,
    HostsRecruitedAndRetained,
    PersonJourneys,
)
from cantiere_monitoring.bootstrap import COMPONENT
from cantiere_runtime.migrate import migrate
from cantiere_runtime.projector import Projection, apply_all, reset
from cantiere_runtime.store import Recorded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.unit.monitoring.history import consent, erasure, host_registered, journey, pid, recorded, withdrawal

DAY = date(2008, 3, 3)


@st.composite
def programmes(draw: st.DrawFn) -> list[Event]:
    """A few people's journeys, extra consents, withdrawals, erasures and repeated intakes, in any order."""
    events: list[Event] = [host_registered(1, DAY)]
    for n in range(1, draw(st.integers(1, 4)) + 1):
        until = draw(st.sampled_from(["referred", "running", "interrupted", "completed"]))
        hired = draw(st.sampled_from([None, ContractType.PERMANENT]))
        events += journey(n, DAY + timedelta(days=n), until=until, hired=hired)
        for _ in range(draw(st.integers(0, 2))):
            on = DAY + timedelta(days=draw(st.integers(0, 90)))
            extra = draw(st.sampled_from(["consent", "withdrawal", "erasure", "intake", "skills"]))
            events.append(_extra(extra, n, on))
    return draw(st.permutations(events))


def _extra(kind: str, n: int, on: date) -> Event:
    person = {"person_id": pid(n), "referral_id": pid(5000 + n)}
    match kind:
        case "consent":
            return consent(n, on)
        case "withdrawal":
            return withdrawal(n, on)
        case "erasure":
            return erasure(n, on)
        case "intake":
            return IntakeInterviewHeld(**person, held_on=on)
    return SkillsAssessed(**person, assessed_on=on)


def _projections() -> list[Projection]:
    return [PersonJourneys(), AggregateStatisticsConsent(), HostsRecruitedAndRetained()]


def _for(projection: Projection, events: list[Recorded]) -> list[Recorded]:
    return [r for r in events if type(r.event) in projection.event_types]  # type: ignore[attr-defined]


async def _rows(engine: AsyncEngine) -> dict[str, list[dict[str, Any]]]:
    async with engine.connect() as conn:
        return {
            table.name: sorted((dict(row) for row in (await conn.execute(select(table))).mappings()), key=repr)
            for projection in _projections()
            for table in projection.tables
        }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programme=programmes(), sizes=st.lists(st.integers(1, 15), min_size=1, max_size=10))
async def test_monitoring_projections_applied_in_batches_equal_one_event_at_a_time(
    engine: AsyncEngine, programme: list[Event], sizes: list[int]
) -> None:
    await migrate(engine, COMPONENT)
    events = recorded(programme)
    for projection in _projections():
        await reset(engine, projection)
        for item in _for(projection, events):
            async with engine.begin() as conn:
                await projection.apply(conn, item)
    one_by_one = await _rows(engine)
    for projection in _projections():
        await reset(engine, projection)
        mine, start, turn = _for(projection, events), 0, 0
        while start < len(mine):
            size = sizes[turn % len(sizes)]
            async with engine.begin() as conn:
                await apply_all(conn, projection, mine[start : start + size])
            start, turn = start + size, turn + 1
    assert await _rows(engine) == one_by_one
