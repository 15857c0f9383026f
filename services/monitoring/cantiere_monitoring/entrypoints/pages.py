"""The Region's pages, on the shared layout, beside the JSON routes: the programme's headline figures as published.

The home page calls the same service layer as ``/indicators`` (``Figures``, the programme release, after
small-cell and secondary suppression): a withheld count shows as its marker ("meno di 5"), never the count.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.signin import require_page
from cantiere_runtime.territory import Territory
from cantiere_web import N_, Brand, Pages, install_pages, page_router
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
Reader = Annotated[Principal, Depends(require_page(Role.ANALYST, Role.AUDITOR))]


def shown(cell: dict[str, Any], threshold: int) -> str:
    """A published cell in the page's language: the count, or why it is withheld ("meno di 5")."""
    if "value" in cell:
        return str(cell["value"])
    lang = "en" if current_locale.get() == "en" else "it"
    if "reason" in cell:
        return label(Suppression(cell["reason"]), threshold, lang)
    return label(Suppression.WITHHELD, threshold, lang)


@router.get("/")
async def home(request: Request, _: Reader) -> Response:
    """The programme's headline figures for the whole programme period, as ``/indicators`` publishes them."""
    figures: Figures = request.app.state.figures
    release = figures.release("programme")
    published = await figures.indicators(release)
    pages: Pages = request.app.state.pages
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
    return [("/", N_("Il programma in cifre"))] if principal is not None else []


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
