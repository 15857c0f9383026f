"""Only people who consent to aggregate statistics are counted; withdrawal and erasure remove them everywhere."""

from __future__ import annotations

from datetime import date

from cantiere_events.codes import ContractType
from cantiere_monitoring.adapters.facts import consenting_journeys
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_runtime.territory import territory_by_code
from sqlalchemy.ext.asyncio import AsyncEngine

from .history import consent, erasure, journey, withdrawal
from .known_history import REFERRED, known_history, project

BARI = territory_by_code("bari-pilot")


async def _figures(engine: AsyncEngine) -> tuple[dict[str, object], dict[str, object]]:
    figures = Figures(engine, BARI)
    period = figures.release()
    return await figures.indicators(period), await figures.procedure(period)


async def test_a_withdrawal_removes_the_person_from_every_figure_past_ones_included(engine: AsyncEngine) -> None:
    await project(engine, known_history())
    before = await _figures(engine)
    tenth = journey(10, REFERRED, hired=ContractType.FIXED_TERM)
    await project(engine, tenth, start=1000)
    assert len(await consenting_journeys(engine)) == 9
    assert await _figures(engine) != before
    await project(engine, [withdrawal(10, date(2009, 5, 1))], start=2000)
    assert len(await consenting_journeys(engine)) == 8
    assert await _figures(engine) == before


async def test_an_erasure_removes_the_person_even_if_consent_is_recorded_again(engine: AsyncEngine) -> None:
    await project(engine, known_history())
    before = await _figures(engine)
    await project(engine, journey(11, REFERRED), start=1000)
    await project(engine, [erasure(11, date(2009, 5, 2)), consent(11, date(2009, 5, 3))], start=2000)
    assert len(await consenting_journeys(engine)) == 8
    assert await _figures(engine) == before
