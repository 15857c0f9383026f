"""The Masterplan: the programme as a replicable model, one self-contained HTML page (inline CSS and SVG)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cantiere_runtime.rules import RuleSet
from cantiere_runtime.territory import TERRITORIES_DIR, Territory
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from cantiere_monitoring.domain.cells import DEFAULT_THRESHOLD, Suppression
from cantiere_monitoring.domain.cells import label as suppression_label
from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.domain.releases import Release
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
    if cell.get("withheld") == "programme_level":  # a year's or quarter's count reported for the programme only
        return text("programme_level", lang)
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


def euro(cents: int | None) -> str:
    """An amount in cents as euro, "—" when withheld."""
    return "—" if cents is None else f"{cents / 100:,.2f} €".replace(",", "\u202f")


def territory_file_text(territory: Territory, path: Path | None = None) -> str:
    """The territory's configuration file as written, for a new territory to copy and adapt."""
    path = path or TERRITORIES_DIR / f"{territory.code}.yaml"
    return path.read_text(encoding="utf-8") if path.exists() else territory.model_dump_json(indent=2)


def chart_bars(indicators: dict[str, Any], procedure: dict[str, Any], lang: Lang) -> dict[str, tuple[str, list[Bar]]]:
    """The report's charts as data (title and bars), drawn as SVG in HTML and with PDF primitives in the PDF."""
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
    return {
        "flows": (text("in_figures", lang), flows),
        "target": (text("starts_vs_target", lang), progress),
        "phases": (text("median_vs_standard", lang), phases),
    }


def charts(indicators: dict[str, Any], procedure: dict[str, Any], lang: Lang) -> dict[str, Markup]:
    """The report's SVG charts."""
    # bar_chart escapes every text it draws, so its output is safe markup.
    return {
        name: Markup(bar_chart(bars, title=title))  # noqa: S704
        for name, (title, bars) in chart_bars(indicators, procedure, lang).items()
    }


@dataclass(frozen=True)
class MasterplanData:
    """Everything a Masterplan shows, already published: the HTML and the PDF are drawn from this alone."""

    territory: Territory
    period: Period
    generated: date
    indicators: dict[str, Any]
    procedure: dict[str, Any]
    rule_sets: list[tuple[date, RuleSet]]
    territory_file: str

    @property
    def bottlenecks(self) -> list[dict[str, Any]]:
        """The phases whose median exceeds their standard."""
        return [p for p in self.procedure["phases"] if p["bottleneck"]]


async def masterplan_data(
    figures: Figures, release: Release | None = None, territory_file: Path | None = None
) -> MasterplanData:
    """The published figures and configuration of one fixed release (the programme by default), read once."""
    release = release or figures.release()
    territory = figures.territory
    return MasterplanData(
        territory=territory,
        period=release.period,
        generated=datetime.now(UTC).date(),
        indicators=await figures.indicators(release),
        procedure=await figures.procedure(release),
        rule_sets=[(p.starts_on, territory.rule_set_on(p.starts_on)) for p in territory.rule_sets],
        territory_file=territory_file_text(territory, territory_file),
    )


def render_html(data: MasterplanData, lang: Lang = "it") -> str:
    """The Masterplan as one HTML document."""
    template = _environment().get_template("masterplan.html.j2")
    return template.render(
        lang=lang,
        t=lambda key: text(key, lang),
        label=lambda key: label(key, lang),
        count=counter(lang, data.territory.disclosure_threshold),
        euro=euro,
        territory=data.territory,
        period=data.period,
        generated=data.generated,
        indicators=data.indicators,
        procedure=data.procedure,
        charts=charts(data.indicators, data.procedure, lang),
        bottlenecks=data.bottlenecks,
        rule_sets=data.rule_sets,
        territory_file=data.territory_file,
    )


async def render_masterplan(
    figures: Figures, release: Release | None = None, lang: Lang = "it", territory_file: Path | None = None
) -> str:
    """The Masterplan of a release (the programme by default) as one HTML document."""
    return render_html(await masterplan_data(figures, release, territory_file), lang)
