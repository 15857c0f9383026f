"""The Masterplan: the programme as a replicable model, one self-contained HTML page (inline CSS and SVG)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cantiere_runtime.territory import TERRITORIES_DIR, Territory
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from cantiere_monitoring.domain.cells import DEFAULT_THRESHOLD, Suppression
from cantiere_monitoring.domain.cells import label as suppression_label
from cantiere_monitoring.report.charts import Bar, bar_chart
from cantiere_monitoring.report.texts import Lang, label, text
from cantiere_monitoring.service_layer.figures import Figures

TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env


def cell_text(cell: dict[str, Any], lang: Lang = "it", threshold: int = DEFAULT_THRESHOLD) -> str:
    """A published cell as text: its count, or its withheld marker in the report's language."""
    if "value" in cell:
        return str(cell["value"])
    if "reason" in cell:
        return suppression_label(Suppression(cell["reason"]), threshold, lang)
    return str(cell.get("label", "—"))


def counter(lang: Lang, threshold: int) -> Callable[[dict[str, Any]], Markup]:
    """Renders a published cell as HTML; shown counts carry `data-count` so audits can scan them."""

    def count(cell: dict[str, Any]) -> Markup:
        if "value" in cell:
            return Markup('<span class="count" data-count="{0}">{0}</span>').format(cell["value"])
        return Markup('<span class="withheld">{}</span>').format(cell_text(cell, lang, threshold))

    return count


def _bar(name: str, cell: dict[str, Any], lang: Lang, threshold: int) -> Bar:
    return Bar(label(name, lang), cell.get("value"), cell_text(cell, lang, threshold))


def _euro(cents: int | None) -> str:
    return "—" if cents is None else f"{cents / 100:,.2f} €".replace(",", "\u202f")


def territory_file_text(territory: Territory, path: Path | None = None) -> str:
    """The territory's configuration file as written, for a new territory to copy and adapt."""
    path = path or TERRITORIES_DIR / f"{territory.code}.yaml"
    return path.read_text(encoding="utf-8") if path.exists() else territory.model_dump_json(indent=2)


def charts(indicators: dict[str, Any], procedure: dict[str, Any], lang: Lang) -> dict[str, Markup]:
    """The report's SVG charts."""
    threshold = indicators["threshold"]
    flows = [_bar(name, flow["total"], lang, threshold) for name, flow in indicators["flows"].items()]
    phases = [
        Bar(
            label(p["phase"], lang),
            p["median_days"],
            "—" if p["median_days"] is None else f"{p['median_days']:g}",
            p["standard_days"],
        )
        for p in procedure["phases"]
    ]
    target = indicators["target"]
    progress = [
        Bar(
            label("starts", lang),
            target["starts"].get("value"),
            cell_text(target["starts"], lang, threshold),
            target["internships"],
        )
    ]
    # bar_chart escapes every text it draws, so its output is safe markup.
    return {
        "flows": Markup(bar_chart(flows, title=text("in_figures", lang))),  # noqa: S704
        "target": Markup(bar_chart(progress, title=text("starts_vs_target", lang))),  # noqa: S704
        "phases": Markup(bar_chart(phases, title=text("median_vs_standard", lang))),  # noqa: S704
    }


async def render_masterplan(
    figures: Figures, start: date | None, end: date | None, lang: Lang = "it", territory_file: Path | None = None
) -> str:
    """The Masterplan of a period as one HTML document."""
    period = figures.period(start, end)
    indicators = await figures.indicators(period)
    procedure = await figures.procedure(period)
    territory = figures.territory
    rule_sets = [(p.starts_on, territory.rule_set_on(p.starts_on)) for p in territory.rule_sets]
    template = _environment().get_template("masterplan.html.j2")
    return template.render(
        lang=lang,
        t=lambda key: text(key, lang),
        label=lambda key: label(key, lang),
        count=counter(lang, territory.disclosure_threshold),
        euro=_euro,
        territory=territory,
        period=period,
        generated=datetime.now(UTC).date(),
        indicators=indicators,
        procedure=procedure,
        charts=charts(indicators, procedure, lang),
        bottlenecks=[p for p in procedure["phases"] if p["bottleneck"]],
        rule_sets=rule_sets,
        territory_file=territory_file_text(territory, territory_file),
    )
