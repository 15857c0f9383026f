"""The figures monitoring publishes for a territory and a period: read the facts, compute, suppress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cantiere_events.codes import AgeBand
from cantiere_runtime.territory import Territory
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_monitoring.adapters.facts import consenting_journeys, host_sites
from cantiere_monitoring.domain.indicators import Dimensions, compute
from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.domain.procedure import PHASES, measure, standard_days
from cantiere_monitoring.domain.publication import publish_indicators, publish_procedure


def dimensions(territory: Territory) -> Dimensions:
    """The breakdown keys the territory configuration names."""
    return Dimensions(
        municipalities=[m.code for m in territory.municipalities],
        districts=[d.code for m in territory.municipalities for d in m.districts],
        age_bands=[band.value for band in AgeBand],
    )


def standards(territory: Territory) -> dict[str, int]:
    """Each phase's standard duration in days."""
    return {
        phase: standard_days(getattr(territory.phases, phase).days, getattr(territory.phases, phase).months)
        for phase in PHASES
    }


def default_period(territory: Territory) -> Period:
    """The programme period of the territory."""
    return Period(territory.programme_period.start, territory.programme_period.end)


@dataclass(frozen=True)
class Figures:
    """Reads and publishes the monitoring figures of one territory."""

    engine: AsyncEngine
    territory: Territory

    def period(self, start: date | None = None, end: date | None = None) -> Period:
        """The period asked for, the programme period by default."""
        whole = default_period(self.territory)
        return Period(start or whole.start, end or whole.end)

    async def indicators(self, period: Period) -> dict[str, Any]:
        """Every indicator of the period, after disclosure control."""
        raw = compute(await consenting_journeys(self.engine), await host_sites(self.engine), period,
                      dimensions(self.territory))  # fmt: skip
        t = self.territory
        published = publish_indicators(raw, t.disclosure_threshold, t.target_internships, t.budget_cents)
        return {"territory": t.code, "period": {"from": period.start, "to": period.end}, **published}

    async def procedure(self, period: Period) -> dict[str, Any]:
        """The procedure model of the period: standards, measured durations, overruns, bottlenecks."""
        measured = measure(await consenting_journeys(self.engine), period, standards(self.territory))
        phases = publish_procedure(measured, self.territory.disclosure_threshold)
        return {"territory": self.territory.code, "period": {"from": period.start, "to": period.end},
                "threshold": self.territory.disclosure_threshold, "phases": phases}  # fmt: skip
