"""The dashboard of analysts and auditors: one fixed release's published figures as charts with their tables, a
release chooser offering exactly the releases the API serves, and the Masterplan to download.

It calls the same service layer as ``/indicators``, ``/procedure`` and ``/masterplan`` (``Figures``): every count it
shows is a published cell, a withheld one only as its marker ("meno di 5").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.signin import require_page
from cantiere_web import Pages, gettext, page_router
from cantiere_web.i18n import current_locale
from fastapi import Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from cantiere_monitoring.bootstrap import today
from cantiere_monitoring.domain.releases import Release, releases
from cantiere_monitoring.entrypoints.cells import shown
from cantiere_monitoring.entrypoints.routes import masterplan_response
from cantiere_monitoring.report.masterplan import place_names
from cantiere_monitoring.report.panels import Words, bottlenecks, dashboard
from cantiere_monitoring.service_layer.figures import Figures, default_period
from cantiere_monitoring.service_layer.masterplan import masterplan_document

router = page_router()
Analyst = Annotated[Principal, Depends(require_page(Role.ANALYST, Role.AUDITOR))]
Period = Annotated[str | None, Query(description="the fixed release (programme, 2008, 2008-Q3)")]


def release_name(release: Release) -> str:
    """A release as a reader names it, in the page's language."""
    if release.kind == "programme":
        return gettext("Tutto il programma")
    if release.kind == "year":
        return gettext("Anno %(year)s") % {"year": release.name}
    year, quarter = release.name.split("-Q")
    return gettext("%(quarter)s° trimestre %(year)s") % {"quarter": quarter, "year": year}


def release_choices(figures: Figures) -> list[tuple[str, list[tuple[str, str]]]]:
    """The releases the API serves, grouped for the chooser: (group, [(period, name)])."""
    groups: dict[str, list[tuple[str, str]]] = {"programme": [], "year": [], "quarter": []}
    for release in releases(default_period(figures.territory)):
        groups[release.kind].append((release.name, release_name(release)))
    names = {"programme": gettext("Programma"), "year": gettext("Anni"), "quarter": gettext("Trimestri")}
    return [(names[kind], options) for kind, options in groups.items() if options]


def lang() -> Literal["it", "en"]:
    return "en" if current_locale.get() == "en" else "it"


async def figures_page(request: Request, figures: Figures, release: Release, **context: Any) -> Response:
    """The dashboard of a release (also what a municipal manager's page draws, over their own figures)."""
    pages: Pages = request.app.state.pages
    doc = context.pop("doc", None) or await figures.indicators(release)
    procedure = context.pop("procedure", None) or await figures.procedure(release)
    words = Words(lang())
    threshold = doc["threshold"]

    def cell(value: Any) -> Markup:
        if isinstance(value, str):
            return Markup("{}").format(value)
        if "value" in value:  # a shown count, marked so that audits can scan the page
            return Markup('<span data-count="{0}">{0}</span>').format(value["value"])
        if value.get("withheld") == "programme_level":
            return Markup('<span class="text-muted">{}</span>').format(gettext("solo a livello di programma"))
        return Markup('<span class="text-muted">{}</span>').format(shown(value, threshold))

    context.setdefault("heading", gettext("Il programma in cifre"))
    context.setdefault("form_action", "/")
    return pages.render(
        request,
        "dashboard.html",
        release=release,
        release_title=release_name(release),
        choices=release_choices(figures),
        doc=doc,
        panels=dashboard(doc, procedure, place_names(figures.territory), words),
        bottlenecks=bottlenecks(procedure, words),
        cell=cell,
        **context,
    )


@router.get("/cruscotto/masterplan")
async def masterplan_download(
    request: Request,
    _: Analyst,
    period: Period = None,
    lang: Annotated[Literal["it", "en"], Query()] = "it",
    fmt: Annotated[Literal["html", "pdf"], Query(alias="format")] = "pdf",
) -> Response:
    """The Masterplan of the release shown, as ``/masterplan`` renders it, for a signed-in analyst or auditor."""
    figures: Figures = request.app.state.figures
    release = figures.release(period)
    document = await masterplan_document(figures, release, lang, fmt, today)
    return masterplan_response(document, figures, release, lang, fmt)
