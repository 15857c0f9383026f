"""Render the Masterplan from a database, as the command line does."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from cantiere_runtime.db import create_engine
from cantiere_runtime.migrate import migrate

from cantiere_monitoring.bootstrap import COMPONENT, Settings, load_settings_territory
from cantiere_monitoring.report.masterplan import masterplan_data, render_html
from cantiere_monitoring.report.pdf import render_pdf
from cantiere_monitoring.report.texts import Lang
from cantiere_monitoring.service_layer.figures import Figures, release_of

Format = Literal["html", "pdf"]
FORMATS: dict[str, Format] = {".html": "html", ".htm": "html", ".pdf": "pdf"}


def format_for(out: Path, asked: str | None = None) -> Format:
    """The format asked for, else the one the file name's suffix says, else HTML; ValueError if unknown."""
    if asked is not None:
        if asked not in ("html", "pdf"):
            raise ValueError(f"the format is 'html' or 'pdf', not {asked!r}")
        return "pdf" if asked == "pdf" else "html"
    if out.suffix and out.suffix.lower() not in FORMATS:
        raise ValueError(f"cannot tell the format from {out.name!r}: name it .html or .pdf, or pass --format")
    return FORMATS.get(out.suffix.lower(), "html")


async def masterplan_document(
    settings: Settings,
    period: str | None,
    lang: Lang,
    fmt: Format = "html",
    start: date | None = None,
    end: date | None = None,
) -> bytes:
    """The report of one fixed release (see `Figures.release`) of the settings' database and territory,
    as UTF-8 HTML or as PDF; `ReleaseRefused` before any database work when the period is not released."""
    territory = load_settings_territory(settings)
    release = release_of(territory, period, start, end)
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine, COMPONENT)
        figures = Figures(engine, territory)
        data = await masterplan_data(figures, release, settings.territory_file)
    finally:
        await engine.dispose()
    return render_pdf(data, lang) if fmt == "pdf" else render_html(data, lang).encode("utf-8")


async def masterplan_html(settings: Settings, period: str | None, lang: Lang) -> str:
    """The report of one fixed release of the settings' database and territory as HTML."""
    return (await masterplan_document(settings, period, lang)).decode("utf-8")
