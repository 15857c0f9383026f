"""Read-only HTTP routes of monitoring: indicators, procedure model, open-data exports, the Masterplan report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from cantiere_runtime.auth import Principal, Role, require
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from cantiere_monitoring.entrypoints.exports import to_csv, to_json
from cantiere_monitoring.report.masterplan import masterplan_data, render_html
from cantiere_monitoring.report.pdf import render_pdf
from cantiere_monitoring.service_layer.figures import Figures

router = APIRouter(tags=["monitoring"])

Reader = Annotated[Principal, Depends(require(Role.ANALYST, Role.AUDITOR))]
From = Annotated[date | None, Query(alias="from", description="first day (default: programme start)")]
To = Annotated[date | None, Query(alias="to", description="last day (default: programme end)")]
Lang = Annotated[Literal["it", "en"], Query(description="language of the report")]
Format = Annotated[Literal["html", "pdf"], Query(alias="format", description="html (default) or pdf")]


def _figures(request: Request) -> Figures:
    figures: Figures = request.app.state.figures
    return figures


@router.get("/indicators", summary="Programme indicators after small-cell suppression")
async def indicators(request: Request, _: Reader, start: From = None, end: To = None) -> dict[str, Any]:
    figures = _figures(request)
    return await figures.indicators(figures.period(start, end))


@router.get("/procedure", summary="The procedure model: phases, standards, measured durations, overruns")
async def procedure(request: Request, _: Reader, start: From = None, end: To = None) -> dict[str, Any]:
    figures = _figures(request)
    return await figures.procedure(figures.period(start, end))


@router.get("/exports/indicators.csv", summary="Open data: the suppressed indicators as CSV")
async def export_csv(request: Request, _: Reader, start: From = None, end: To = None) -> Response:
    figures = _figures(request)
    body = to_csv(await figures.indicators(figures.period(start, end)))
    headers = {"Content-Disposition": 'attachment; filename="indicators.csv"'}
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/exports/indicators.json", summary="Open data: the suppressed indicators as JSON")
async def export_json(request: Request, _: Reader, start: From = None, end: To = None) -> Response:
    figures = _figures(request)
    body = to_json(await figures.indicators(figures.period(start, end)))
    headers = {"Content-Disposition": 'attachment; filename="indicators.json"'}
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/masterplan",
    response_class=HTMLResponse,
    summary="The Masterplan report: self-contained HTML, or PDF with format=pdf",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
async def masterplan(
    request: Request, _: Reader, start: From = None, end: To = None, lang: Lang = "it", fmt: Format = "html"
) -> Response:
    data = await masterplan_data(_figures(request), start, end)
    if fmt == "pdf":
        headers = {"Content-Disposition": f'inline; filename="masterplan-{data.territory.code}-{lang}.pdf"'}
        return Response(render_pdf(data, lang), media_type="application/pdf", headers=headers)
    return HTMLResponse(render_html(data, lang))
