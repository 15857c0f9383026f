"""Public open data, no sign-in: a page and the ``/open-data/`` files (CSV with Italian headers, JSON, DCAT-AP_IT
metadata) of the closed releases only, with the same suppressed figures the API publishes. Nothing else is public.
"""

from __future__ import annotations

import json

from cantiere_web import Pages, page_router
from fastapi import APIRouter, Request
from fastapi.responses import Response

from cantiere_monitoring.bootstrap import today
from cantiere_monitoring.domain.open_data import closed_releases
from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.entrypoints.cells import shown
from cantiere_monitoring.entrypoints.dashboard import lang
from cantiere_monitoring.entrypoints.exports import to_json, to_open_data_csv
from cantiere_monitoring.report.dcat import catalogue, release_title
from cantiere_monitoring.report.panels import FUNNEL
from cantiere_monitoring.report.texts import label
from cantiere_monitoring.service_layer.figures import Figures, default_period

PAGE_PATH = "/dati-aperti"
page = page_router()
files = APIRouter(prefix="/open-data", tags=["open data"])


class ReleaseNotOpen(LookupError):
    """The release asked for is not open data (unknown, or its period not closed yet)."""


def open_releases(figures: Figures) -> list[Release]:
    """The releases given to anyone: those of closed periods (settled past the longest follow-up)."""
    settle = max(figures.territory.follow_up_after_months, default=0)
    return closed_releases(default_period(figures.territory), today(), settle)


def _open(figures: Figures, name: str) -> Release:
    found = next((r for r in open_releases(figures) if r.name.lower() == name.lower()), None)
    if found is None:
        raise ReleaseNotOpen(name)
    return found


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@page.get(PAGE_PATH)
async def open_data_page(request: Request) -> Response:
    """The open data for anyone: each closed release's headline figures and its files."""
    figures: Figures = request.app.state.figures
    pages: Pages = request.app.state.pages
    listed = open_releases(figures)
    programme = next((r for r in listed if r.kind == "programme"), None)
    doc = await figures.indicators(programme) if programme else None
    return pages.render(
        request,
        "open_data.html",
        listed=listed,
        title_of=release_title,
        doc=doc,
        funnel=[(name, label(name, lang())) for name in FUNNEL],
        shown=shown,
        territory=figures.territory,
    )


@files.get("/catalogo.jsonld", summary="DCAT-AP_IT metadata of the open data (JSON-LD)")
async def open_data_catalogue(request: Request) -> Response:
    figures: Figures = request.app.state.figures
    document = catalogue(figures.territory, open_releases(figures), _base(request), today())
    return Response(json.dumps(document, ensure_ascii=False, indent=2), media_type="application/ld+json")


@files.get("/{name}.csv", summary="Open data: a closed release's suppressed indicators as CSV (Italian headers)")
async def open_data_csv(request: Request, name: str) -> Response:
    figures: Figures = request.app.state.figures
    try:
        release = _open(figures, name)
    except ReleaseNotOpen:
        return _not_open()
    body = to_open_data_csv(await figures.indicators(release))
    headers = {"Content-Disposition": f'attachment; filename="{figures.territory.code}-{release.name.lower()}.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@files.get("/{name}.json", summary="Open data: a closed release's suppressed indicators and procedure as JSON")
async def open_data_json(request: Request, name: str) -> Response:
    figures: Figures = request.app.state.figures
    try:
        release = _open(figures, name)
    except ReleaseNotOpen:
        return _not_open()
    document = {"indicators": await figures.indicators(release), "procedure": await figures.procedure(release)}
    headers = {"Content-Disposition": f'attachment; filename="{figures.territory.code}-{release.name.lower()}.json"'}
    return Response(to_json(document), media_type="application/json", headers=headers)


def _not_open() -> Response:
    # The same answer for a release that does not exist and one not closed yet: 404, nothing more.
    return Response(json.dumps({"detail": "not_open_data"}), status_code=404, media_type="application/json")
