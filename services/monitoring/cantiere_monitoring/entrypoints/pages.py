"""The Region's pages, on the shared layout, beside the JSON routes: the programme's headline figures as published.

The home page calls the same service layer as ``/indicators`` (``Figures``, the programme release, after
small-cell and secondary suppression): a withheld count shows as its marker ("meno di 5"), never the count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden
from cantiere_runtime.signin import require_page
from cantiere_runtime.territory import Territory
from cantiere_web import N_, Brand, Pages, gettext, install_pages, page_router
from cantiere_web.i18n import current_locale
from cantiere_web.pages import NavItem
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response

from cantiere_monitoring.domain.cells import Suppression, label
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
AT_END = {"active": N_("Tirocini in corso"), "suspended": N_("Tirocini sospesi")}

router = page_router()
# Analysts and auditors of the monitoring partner; the Ufficio di Piano of an ambito (signed in by its capofila,
# whose issuer this service trusts for that role only) sees its ambito.
Reader = Annotated[
    Principal, Depends(require_page(Role.ANALYST, Role.AUDITOR, Role.DISTRICT_PLANNER, same_partner=False))
]


def shown(cell: dict[str, Any], threshold: int) -> str:
    """A published cell in the page's language: the count, or why it is withheld ("meno di 5")."""
    if "value" in cell:
        return str(cell["value"])
    lang = "en" if current_locale.get() == "en" else "it"
    if "reason" in cell:
        return label(Suppression(cell["reason"]), threshold, lang)
    return label(Suppression.WITHHELD, threshold, lang)


@router.get("/")
async def home(request: Request, who: Reader) -> Response:
    """The programme's headline figures for the whole programme period, as ``/indicators`` publishes them; for the
    Ufficio di Piano, its ambito's cells of them (as ``/ambito``)."""
    figures: Figures = request.app.state.figures
    release = figures.release("programme")
    pages: Pages = request.app.state.pages
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
    published = await figures.indicators(release)
    return pages.render(
        request,
        "home.html",
        figures=published,
        flows=FLOWS,
        at_end=AT_END,
        shown=lambda cell: shown(cell, published["threshold"]),
        release=release,
    )


def navigation(principal: Principal | None) -> list[NavItem]:
    """The menu: the home page for now (the full monitoring pages build on it)."""
    if principal is None:
        return []
    return [("/", N_("L'ambito in cifre") if principal.role is Role.DISTRICT_PLANNER else N_("Il programma in cifre"))]


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
