"""The figures monitoring publishes for a territory and a period: read the facts, compute, suppress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from cantiere_events.codes import AgeBand
from cantiere_runtime.errors import Unavailable
from cantiere_runtime.projector import Checkpoints
from cantiere_runtime.territory import Ambito, Territory
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_monitoring.adapters.facts import consenting_journeys, host_sites
from cantiere_monitoring.domain.indicators import Dimensions, compute
from cantiere_monitoring.domain.journey import HostSite, Journey, Period
from cantiere_monitoring.domain.procedure import PHASES, measure, standard_days
from cantiere_monitoring.domain.publication import publish_indicators, publish_procedure
from cantiere_monitoring.domain.releases import Release, choose_release, enclosing, guard_release


def _cells(series: dict[str, Any] | None, keys: tuple[str, ...]) -> dict[str, Any]:
    """The published cells of a breakdown for some keys; the breakdown's marker when it is not published."""
    if not series or "cells" not in series:
        return series or {"withheld": "programme_level"}
    return {key: series["cells"][key] for key in keys if key in series["cells"]}


def dimensions(territory: Territory) -> Dimensions:
    """The breakdown keys the territory configuration names."""
    return Dimensions(
        municipalities=[m.code for m in territory.municipalities],
        districts=[d.code for m in territory.municipalities for d in m.districts],
        age_bands=[band.value for band in AgeBand],
        ambiti=[a.code for a in territory.ambiti],
        ambito_of={m: a.code for a in territory.ambiti for m in a.municipalities},
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


def release_of(
    territory: Territory, period: str | None = None, start: date | None = None, end: date | None = None
) -> Release:
    """The release asked for: `programme` (default), a year `2008` or a quarter `2008-Q3`, clipped to the
    programme period; `start`/`end` only when they are exactly such a period. Anything else: `ReleaseRefused`."""
    return choose_release(period, start, end, default_period(territory))


Publisher = Callable[[Release], dict[str, Any]]


def _guarded(release: Release, whole: Period, publish: Publisher, threshold: int) -> dict[str, Any]:
    """A release as published, checked against each release that contains it, each of those as published."""
    outers: list[tuple[Release, dict[str, Any]]] = []
    for outer in enclosing(release, whole):
        outers.append((outer, guard_release(publish(outer), outer, outers, threshold)))
    return guard_release(publish(release), release, outers, threshold)


class FiguresWithheld(Unavailable):
    """No figure leaves while a withdrawal or an erasure waits to be applied."""

    code = "figures_withheld"


@dataclass(frozen=True)
class Figures:
    """Reads and publishes the monitoring figures of one territory, only for fixed releases."""

    engine: AsyncEngine
    territory: Territory

    def release(self, period: str | None = None, start: date | None = None, end: date | None = None) -> Release:
        """The release asked for (see `release_of`); `ReleaseRefused` for any other period."""
        return release_of(self.territory, period, start, end)

    async def _facts(self) -> tuple[list[Journey], list[HostSite]]:
        if await Checkpoints(self.engine).blocked():
            # The consent projection fails closed: until a withdrawal or an erasure it cannot apply is
            # applied, the person would still be counted, so no figure leaves meanwhile (API and CLI).
            raise FiguresWithheld(
                "Le cifre sono sospese: un ritiro del consenso o una cancellazione non è ancora stato applicato. "
                "Riprovare più tardi; il gestore del servizio trova la causa nei log.",
                "Figures are withheld: a consent withdrawal or an erasure has not been applied yet. "
                "Try again later; the service operator finds the cause in the logs.",
            )
        return list(await consenting_journeys(self.engine)), list(await host_sites(self.engine))

    async def indicators(self, release: Release) -> dict[str, Any]:
        """Every indicator of the release, after disclosure control."""
        journeys, sites = await self._facts()
        t = self.territory

        def publish(r: Release) -> dict[str, Any]:
            raw = compute(journeys, sites, r.period, dimensions(t), t.follow_up_after_months)
            published = publish_indicators(raw, t.disclosure_threshold, t.target_internships, t.budget_cents)
            return {"territory": t.code, **_stamp(r), **published}

        return _guarded(release, default_period(t), publish, t.disclosure_threshold)

    async def ambito_indicators(self, release: Release, ambito: Ambito) -> dict[str, Any]:
        """An ambito's share of the release: its cell of each breakdown by ambito and its municipalities' cells of
        each breakdown by municipality, exactly as the whole release publishes them (a part of what is shown
        anyway, so it tells nothing the release does not)."""
        published = await self.indicators(release)
        flows = {}
        for name, flow in published["flows"].items():
            by = flow["by"]
            flows[name] = {
                "ambito": _cells(by.get("ambito"), (ambito.code,)),
                "municipalities": _cells(by.get("municipality"), ambito.municipalities),
            }
        names = {m.code: m.name for m in self.territory.municipalities}
        return {
            "territory": published["territory"],
            **_stamp(release),
            "threshold": published["threshold"],
            "ambito": {"code": ambito.code, "name": ambito.name, "capofila": ambito.capofila},
            "municipalities": {code: names.get(code, code) for code in ambito.municipalities},
            "flows": flows,
        }

    async def municipality_figures(self, release: Release, municipality: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """A municipality's own slice of the release, for its municipal manager: the indicators and the procedure
        computed over its own people only, with the threshold and the release guards applied to that slice (no
        hosts, no target or budget: those belong to the programme)."""
        journeys, _ = await self._facts()
        own = [j for j in journeys if j.municipality == municipality]
        t = self.territory
        town = next(m for m in t.municipalities if m.code == municipality)
        keys = Dimensions(municipalities=[municipality], districts=[d.code for d in town.districts],
                          age_bands=[band.value for band in AgeBand])  # fmt: skip

        def indicators(r: Release) -> dict[str, Any]:
            raw = compute(own, [], r.period, keys, t.follow_up_after_months)
            return {"territory": t.code, "municipality": municipality, **_stamp(r),
                    **publish_indicators(raw, t.disclosure_threshold, 0, 0)}  # fmt: skip

        def procedure(r: Release) -> dict[str, Any]:
            phases = publish_procedure(measure(own, r.period, standards(t)), t.disclosure_threshold)
            return {"territory": t.code, **_stamp(r), "threshold": t.disclosure_threshold, "phases": phases}

        whole = default_period(t)
        return (
            _guarded(release, whole, indicators, t.disclosure_threshold),
            _guarded(release, whole, procedure, t.disclosure_threshold),
        )

    async def procedure(self, release: Release) -> dict[str, Any]:
        """The procedure model of the release: standards, measured durations, overruns, bottlenecks."""
        journeys, _ = await self._facts()
        t = self.territory

        def publish(r: Release) -> dict[str, Any]:
            phases = publish_procedure(measure(journeys, r.period, standards(t)), t.disclosure_threshold)
            return {"territory": t.code, **_stamp(r), "threshold": t.disclosure_threshold, "phases": phases}

        return _guarded(release, default_period(t), publish, t.disclosure_threshold)


def _stamp(release: Release) -> dict[str, Any]:
    return {"release": release.name, "period": {"from": release.period.start, "to": release.period.end}}
