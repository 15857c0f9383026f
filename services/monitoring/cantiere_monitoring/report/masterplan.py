"""The Masterplan renderer: the programme as a replicable model, from one Jinja template, as HTML or PDF.

Pure: it takes the already published (suppressed) figures and returns bytes; the service layer fetches them.
The HTML is self-contained (inline CSS and SVG); the PDF is the same HTML printed by WeasyPrint as PDF/A-2b.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from cantiere_runtime.rules import RuleSet
from cantiere_runtime.territory import Territory
from cantiere_web.pdf import html_to_pdf
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from cantiere_monitoring.domain.cells import DEFAULT_THRESHOLD, Suppression
from cantiere_monitoring.domain.cells import label as suppression_label
from cantiere_monitoring.domain.journey import Period
from cantiere_monitoring.report.charts import Bar, bar_chart
from cantiere_monitoring.report.texts import Lang, label, phase_text, text

TEMPLATES = Path(__file__).parent / "templates"
Format = Literal["html", "pdf"]
COUNT_FONT = "DejaVu Sans Mono"  # the counts' typeface: a PDF's counts can be read back by their font


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


def euro(cents: int | None, lang: Lang = "it") -> str:
    """An amount in cents as euro in the report's language, "—" when withheld."""
    if cents is None:
        return "—"
    whole, part = f"{cents / 100:,.2f}".split(".")
    return f"{whole.replace(',', '.')},{part} €" if lang == "it" else f"€{whole}.{part}"


def chart_bars(indicators: dict[str, Any], procedure: dict[str, Any], lang: Lang) -> dict[str, tuple[str, list[Bar]]]:
    """The report's charts as data (title and bars)."""
    threshold = indicators["threshold"]
    flows = [_bar(name, flow["total"], lang, threshold) for name, flow in indicators["flows"].items()]
    phases = [
        Bar(label(p["phase"], lang), p["median_days"], "—" if p["median_days"] is None else f"{p['median_days']:g}",
            p["standard_days"])
        for p in procedure["phases"]
    ]  # fmt: skip
    target = indicators["target"]
    starts = target["starts"]
    shown = cell_text(starts, lang, threshold)
    progress = [Bar(label("starts", lang), starts.get("value"), shown, target["internships"])]
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
    """Everything a Masterplan shows, already published: the document is drawn from this alone."""

    territory: Territory
    period: Period
    generated: date
    indicators: dict[str, Any]
    procedure: dict[str, Any]
    rule_sets: list[tuple[date, RuleSet]]

    @property
    def bottlenecks(self) -> list[dict[str, Any]]:
        """The phases whose median exceeds their standard."""
        return [p for p in self.procedure["phases"] if p["bottleneck"]]


def place_names(territory: Territory) -> dict[str, str]:
    """The territory's names of its municipalities, districts and ambiti, by code."""
    names = {m.code: m.name for m in territory.municipalities}
    names |= {d.code: d.name for m in territory.municipalities for d in m.districts}
    return names | {a.code: a.name for a in territory.ambiti}


def render_html(data: MasterplanData, lang: Lang = "it") -> str:
    """The Masterplan as one self-contained HTML document."""
    places = place_names(data.territory)

    def place(code: str) -> Markup:  # a proper name, in the territory's language
        return Markup("<span{}>{}</span>").format(Markup(' lang="it"') if lang != "it" else "", places[code])

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("masterplan.html.j2").render(
        lang=lang,
        t=lambda key: text(key, lang),
        label=lambda key: place(key) if key in places else label(key, lang),
        phase_text=lambda phase: phase_text(phase, lang),
        count=counter(lang, data.territory.disclosure_threshold),
        euro=lambda cents: euro(cents, lang),
        count_font=COUNT_FONT,
        # Proper names (municipalities, partners, laws) stay in the territory's language, marked as such.
        own=Markup(' lang="it"') if lang != "it" else Markup(""),
        territory=data.territory,
        period=data.period,
        generated=data.generated,
        indicators=data.indicators,
        procedure=data.procedure,
        charts=charts(data.indicators, data.procedure, lang),
        bottlenecks=data.bottlenecks,
        rule_sets=data.rule_sets,
    )


def render_pdf(data: MasterplanData, lang: Lang = "it") -> bytes:
    """The Masterplan as PDF/A-2b: the same HTML, printed."""
    return html_to_pdf(render_html(data, lang))


def render(data: MasterplanData, lang: Lang = "it", fmt: Format = "html") -> bytes:
    """The Masterplan as bytes: UTF-8 HTML or PDF."""
    return render_pdf(data, lang) if fmt == "pdf" else render_html(data, lang).encode("utf-8")
