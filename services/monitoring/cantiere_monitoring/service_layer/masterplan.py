"""The Masterplan of one fixed release: fetch the published figures, hand them to the renderer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.report.masterplan import Format, MasterplanData, render
from cantiere_monitoring.report.texts import Lang
from cantiere_monitoring.service_layer.figures import Figures

FORMATS: dict[str, Format] = {".html": "html", ".htm": "html", ".pdf": "pdf"}
MEDIA_TYPES: dict[Format, str] = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


def format_for(out: Path, asked: str | None = None) -> Format:
    """The format asked for, else the one the file name's suffix says, else HTML; ValueError if unknown."""
    if asked is not None:
        if asked not in ("html", "pdf"):
            raise ValueError(f"the format is 'html' or 'pdf', not {asked!r}")
        return "pdf" if asked == "pdf" else "html"
    if out.suffix and out.suffix.lower() not in FORMATS:
        raise ValueError(f"cannot tell the format from {out.name!r}: name it .html or .pdf, or pass --format")
    return FORMATS.get(out.suffix.lower(), "html")


async def masterplan_data(figures: Figures, release: Release, today: Callable[[], date]) -> MasterplanData:
    """The published figures and configuration of one fixed release, read once."""
    territory = figures.territory
    return MasterplanData(
        territory=territory,
        period=release.period,
        generated=today(),
        indicators=await figures.indicators(release),
        procedure=await figures.procedure(release),
        rule_sets=[(p.starts_on, territory.rule_set_on(p.starts_on)) for p in territory.rule_sets],
    )


async def masterplan_document(
    figures: Figures, release: Release, lang: Lang, fmt: Format, today: Callable[[], date]
) -> bytes:
    """The Masterplan of a release as UTF-8 HTML or PDF/A bytes."""
    return render(await masterplan_data(figures, release, today), lang, fmt)
