"""Read-only HTTP routes of monitoring: indicators, procedure model, open-data exports, the Masterplan report.

Every route serves one fixed release (`period=programme | YYYY | YYYY-Qn`); any other period is refused with 422.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from cantiere_runtime.auth import Principal, Role, require
from cantiere_runtime.errors import Forbidden
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cantiere_monitoring.bootstrap import today
from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.entrypoints.exports import to_csv, to_json
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_monitoring.service_layer.masterplan import MEDIA_TYPES, masterplan_document

router = APIRouter(tags=["monitoring"])

Reader = Annotated[Principal, Depends(require(Role.ANALYST, Role.AUDITOR))]
PeriodParam = Annotated[
    str | None,
    Query(
        alias="period",
        description="the fixed release: `programme` (default), a year (`2008`) or a quarter (`2008-Q3`), clipped to "
        "the programme period; any other period is refused (422)",
        examples=["programme", "2008", "2008-Q3"],
    ),
]
From = Annotated[
    date | None,
    Query(alias="from", description="deprecated: accepted only with `to` naming exactly a release; use `period`"),
]
To = Annotated[
    date | None,
    Query(alias="to", description="deprecated: accepted only with `from` naming exactly a release; use `period`"),
]
Lang = Annotated[Literal["it", "en"], Query(description="language of the report")]
Format = Annotated[Literal["html", "pdf"], Query(alias="format", description="html (default) or pdf")]


def _figures(request: Request) -> Figures:
    figures: Figures = request.app.state.figures
    return figures


def _release(figures: Figures, period: str | None, start: date | None, end: date | None) -> Release:
    # Figures leave only for fixed periods: two overlapping day ranges could be subtracted (ReleaseRefused: 422).
    return figures.release(period, start, end)


@router.get("/indicators", summary="Programme indicators after small-cell suppression")
async def indicators(
    request: Request, _: Reader, period: PeriodParam = None, start: From = None, end: To = None
) -> dict[str, Any]:
    figures = _figures(request)
    return await figures.indicators(_release(figures, period, start, end))


Planner = Annotated[Principal, Depends(require(Role.DISTRICT_PLANNER, same_partner=False))]


@router.get("/ambito", summary="The planner's ambito: its figures by ambito and by municipality, as published")
async def ambito_figures(
    request: Request, planner: Planner, period: PeriodParam = None, start: From = None, end: To = None
) -> dict[str, Any]:
    """For the Ufficio di Piano of an ambito (signed in by its capofila municipality): the ambito's cells of the
    release's breakdowns, after the same suppression as every figure; never a person."""
    figures = _figures(request)
    ambito = next((a for a in figures.territory.ambiti if a.capofila == planner.partner), None)
    if ambito is None:
        raise Forbidden(
            "Il tuo ente non è capofila di un ambito del programma.",
            "Your organisation leads no ambito of the programme.",
        )
    return await figures.ambito_indicators(_release(figures, period, start, end), ambito)


@router.get("/procedure", summary="The procedure model: phases, standards, measured durations, overruns")
async def procedure(
    request: Request, _: Reader, period: PeriodParam = None, start: From = None, end: To = None
) -> dict[str, Any]:
    figures = _figures(request)
    return await figures.procedure(_release(figures, period, start, end))


@router.get("/exports/indicators.csv", summary="Open data: the suppressed indicators as CSV")
async def export_csv(
    request: Request, _: Reader, period: PeriodParam = None, start: From = None, end: To = None
) -> Response:
    figures = _figures(request)
    body = to_csv(await figures.indicators(_release(figures, period, start, end)))
    headers = {"Content-Disposition": 'attachment; filename="indicators.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/exports/indicators.json", summary="Open data: the suppressed indicators as JSON")
async def export_json(
    request: Request, _: Reader, period: PeriodParam = None, start: From = None, end: To = None
) -> Response:
    figures = _figures(request)
    body = to_json(await figures.indicators(_release(figures, period, start, end)))
    headers = {"Content-Disposition": 'attachment; filename="indicators.json"'}
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/masterplan",
    response_class=HTMLResponse,
    summary="The Masterplan report: self-contained HTML, or PDF with format=pdf",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
async def masterplan(
    request: Request,
    _: Reader,
    period: PeriodParam = None,
    start: From = None,
    end: To = None,
    lang: Lang = "it",
    fmt: Format = "html",
) -> Response:
    figures = _figures(request)
    release = _release(figures, period, start, end)
    document = await masterplan_document(figures, release, lang, fmt, today)
    return masterplan_response(document, figures, release, lang, fmt)


def masterplan_response(document: bytes, figures: Figures, release: Release, lang: str, fmt: str) -> Response:
    """The Masterplan as a download named for its territory, release and language (PDF), or as a page (HTML)."""
    if fmt == "pdf":
        name = f"masterplan-{figures.territory.code}-{release.name.lower()}-{lang}.pdf"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(document, media_type=MEDIA_TYPES["pdf"], headers=headers)
    return Response(document, media_type=MEDIA_TYPES["html"])
