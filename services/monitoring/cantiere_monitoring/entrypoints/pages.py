"""The Region's pages, on the shared layout, beside the JSON routes: the figures as published.

The home page is each reader's front door: the dashboard for analysts and auditors (``entrypoints/dashboard.py``),
the ambito's cells for the Ufficio di Piano. Both call the same service layer as ``/indicators`` (``Figures``,
after small-cell and secondary suppression): a withheld count shows as its marker ("meno di 5"), never the count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.signin import require_page
from cantiere_runtime.territory import Territory
from cantiere_web import N_, Brand, Pages, gettext, install_pages, page_router
from cantiere_web.pages import NavItem
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.entrypoints import open_data
from cantiere_monitoring.entrypoints.cells import shown
from cantiere_monitoring.entrypoints.dashboard import Period, figures_page
from cantiere_monitoring.entrypoints.dashboard import router as dashboard_router
from cantiere_monitoring.service_layer.figures import Figures

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
LOCALE = HERE.parent / "locale"

FLOWS = {
    "referrals": N_("Persone segnalate"),
    "acceptances": N_("Segnalazioni accolte"),
    "declines": N_("Segnalazioni non accolte"),
    "intakes": N_("Accoglienze concluse"),
    "placements": N_("Convenzioni firmate"),
    "starts": N_("Tirocini avviati"),
    "interruptions": N_("Tirocini interrotti"),
    "completions": N_("Tirocini conclusi"),
}

router = page_router()
# Analysts and auditors of the monitoring partner; the Ufficio di Piano of an ambito (signed in by its capofila,
# whose issuer this service trusts for that role only) sees its ambito.
# A municipal manager (signed in by their own municipality's issuer, trusted here for that role) sees their own
# municipality's figures.
Reader = Annotated[
    Principal,
    Depends(
        require_page(Role.ANALYST, Role.AUDITOR, Role.DISTRICT_PLANNER, Role.MUNICIPAL_MANAGER, same_partner=False)
    ),
]


@router.get("/")
async def home(request: Request, who: Reader, period: Period = None) -> Response:
    """For analysts and auditors, the dashboard of a fixed release (the programme by default), as ``/indicators``
    and ``/procedure`` publish it; for the Ufficio di Piano, its ambito's cells of the programme (as ``/ambito``)."""
    figures: Figures = request.app.state.figures
    release = figures.release(period if who.role is not Role.DISTRICT_PLANNER else "programme")
    pages: Pages = request.app.state.pages
    if who.role is Role.MUNICIPAL_MANAGER:
        return await municipality_page(request, figures, release, who.partner)
    if who.role is Role.DISTRICT_PLANNER:
        ambito = next((a for a in figures.territory.ambiti if a.capofila == who.partner), None)
        if ambito is None:
            raise Forbidden(
                "Il tuo ente non è capofila di un ambito del programma.", "Your organisation leads no ambito."
            )
        of_ambito = await figures.ambito_indicators(release, ambito)

        def cell(cells: dict[str, Any], key: str) -> str:
            if key in cells:
                return shown(cells[key], of_ambito["threshold"])
            return gettext("solo a livello di programma") if "withheld" in cells else "—"

        return pages.render(request, "ambito.html", figures=of_ambito, flows=FLOWS, cell=cell, release=release)
    if who.partner != request.app.state.partner:
        raise Forbidden("Questi dati appartengono a un altro ente.", "These data belong to another partner.")
    return await figures_page(request, figures, release, downloads=True, open_data=True)


async def municipality_page(request: Request, figures: Figures, release: Release, municipality: str) -> Response:
    """A municipal manager's own municipality: its slice of the release, suppressed on its own (as ``/`` for the
    Region, without the programme's target, budget and hosts)."""
    town = next((m for m in figures.territory.municipalities if m.code == municipality), None)
    if town is None:
        raise Forbidden("Il tuo ente non è un comune del programma.", "Your organisation is no municipality here.")
    doc, procedure = await figures.municipality_figures(release, municipality)
    heading = gettext("%(name)s in cifre") % {"name": town.name}
    return await figures_page(request, figures, release, doc=doc, procedure=procedure, heading=heading)


def navigation(principal: Principal | None) -> list[NavItem]:
    """The menu: each reader's front door, and the open data, which anyone may read."""
    open_data = ("/dati-aperti", N_("Dati aperti"))
    if principal is None:
        return [open_data]
    home = {
        Role.DISTRICT_PLANNER: N_("L'ambito in cifre"),
        Role.MUNICIPAL_MANAGER: N_("Il comune in cifre"),
    }.get(principal.role, N_("Il programma in cifre"))
    return [("/", home), open_data]


def install_monitoring_pages(app: FastAPI, territory: Territory) -> None:
    """The pages of the monitoring service, under the steering committee's name."""
    install_pages(
        app,
        templates=TEMPLATES,
        locale_dirs=[LOCALE],
        brand=Brand(partner_name=territory.partners.monitoring.name, service_name=N_("Monitoraggio del programma")),
        navigation=navigation,
    )
    app.include_router(router)
    app.include_router(dashboard_router)
    app.include_router(open_data.page)
    app.include_router(open_data.files)
