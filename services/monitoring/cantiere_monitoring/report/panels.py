"""The dashboard's panels: published figures turned into charts, tables and a sentence each (pure).

Every panel has its table and a text alternative beside its chart. A cell is drawn from the published
document only: its count when shown, else its marker ("meno di 5"); a withheld count never reaches a panel.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cantiere_web import gettext as _
from markupsafe import Markup

from cantiere_monitoring.report.charts import Bar, bar_chart
from cantiere_monitoring.report.masterplan import cell_text, euro
from cantiere_monitoring.report.texts import Lang, label

FUNNEL = ("referrals", "acceptances", "placements", "starts", "completions")
CATEGORIES = ("outcomes", "hired_by_contract_type", "interruptions_by_reason", "declines_by_reason")

Cell = Mapping[str, Any]


@dataclass(frozen=True)
class Row:
    """One row of a panel's table: its label and its cells (published cells, or plain text)."""

    label: str
    cells: Sequence[Cell | str]


@dataclass(frozen=True)
class Panel:
    """A chart with its table and its text alternative; `withheld` says why a breakdown is not shown."""

    key: str
    title: str
    columns: Sequence[str]
    rows: Sequence[Row]
    chart: Markup | None = None
    withheld: bool = False


@dataclass(frozen=True)
class Words:
    """The page's language: the figures' labels come from the report's texts, the page's words from its catalogue."""

    lang: Lang

    def label(self, key: str) -> str:
        return label(key, self.lang)


def quarters_of(start: date | str, end: date | str) -> list[str]:
    """The calendar quarters (`YYYY-Qn`) a period touches."""
    first, last = date.fromisoformat(str(start)), date.fromisoformat(str(end))
    return [
        f"{year}-Q{quarter}"
        for year in range(first.year, last.year + 1)
        for quarter in range(1, 5)
        if (year, quarter) >= (first.year, (first.month - 1) // 3 + 1)
        and (year, quarter) <= (last.year, (last.month - 1) // 3 + 1)
    ]


def _chart(title: str, bars: list[Bar]) -> Markup:
    return Markup(bar_chart(bars, title=title))  # noqa: S704 - bar_chart escapes every text it draws


def _bars(rows: Sequence[Row], threshold: int, lang: Lang, column: int = 0) -> list[Bar]:
    bars = []
    for row in rows:
        cell = row.cells[column]
        if isinstance(cell, str):
            continue
        bars.append(Bar(row.label, cell.get("value"), cell_text(dict(cell), lang, threshold)))
    return bars


def _series_rows(series: Mapping[str, Any], names: Mapping[str, str], words: Words) -> list[Row]:
    return [Row(names.get(key) or words.label(key), [cell]) for key, cell in series.get("cells", {}).items()]


def funnel(doc: Mapping[str, Any], words: Words) -> Panel:
    """Referred, accepted, placed, started, completed: the people at each step of the path."""
    rows = [Row(words.label(name), [doc["flows"][name]["total"]]) for name in FUNNEL if name in doc["flows"]]
    title = _("Il percorso: segnalate, accolte, abbinate, avviate, concluse")
    chart = _chart(title, _bars(rows, doc["threshold"], words.lang))
    return Panel("percorso", title, [_("Tappa"), _("Persone")], rows, chart)


def by_dimension(doc: Mapping[str, Any], dimension: str, names: Mapping[str, str], words: Words) -> Panel:
    """The funnel's flows broken down by quarter or by municipality; the chart shows the referrals."""
    flows = [name for name in FUNNEL if name in doc["flows"]]
    series = {name: doc["flows"][name]["by"].get(dimension, {}) for name in flows}
    keys: list[str] = []
    for name in flows:
        keys += [key for key in series[name].get("cells", {}) if key not in keys]
    if dimension == "quarter":  # every quarter of the release, the empty ones too
        keys = sorted(set(keys) | set(quarters_of(doc["period"]["from"], doc["period"]["to"])))

    def cell(name: str, key: str) -> Cell | str:
        if "cells" not in series[name]:  # the whole breakdown withheld: its marker
            return series[name] or {"withheld": "programme_level"}
        return series[name]["cells"].get(key, {"value": 0})  # a key unlisted in a published breakdown is 0

    rows = [Row(names.get(key, key), [cell(name, key) for name in flows]) for key in keys]
    title = {
        "quarter": _("Andamento per trimestre"),
        "municipality": _("Per comune"),
    }.get(dimension, words.label(dimension))
    shown = "cells" in series.get("referrals", {})
    chart_title = f"{words.label('referrals')} — {title.lower()}"
    chart = _chart(chart_title, _bars(rows, doc["threshold"], words.lang)) if shown and rows else None
    columns = [words.label(dimension).capitalize(), *(words.label(name) for name in flows)]
    return Panel(f"per-{dimension}", title, columns, rows, chart, withheld=not rows)


def categories(doc: Mapping[str, Any], words: Words) -> list[Panel]:
    """Outcomes, hires by contract type, interruptions and declines by reason."""
    panels = []
    for name in CATEGORIES:
        category = doc["categories"].get(name)
        if category is None:
            continue
        breakdown = category["breakdown"]
        rows = _series_rows(breakdown, {}, words)
        title = words.label("outcomes_breakdown" if name == "outcomes" else name)
        chart = _chart(title, _bars(rows, doc["threshold"], words.lang)) if rows else None
        columns = [_("Categoria"), _("Persone")]
        panels.append(Panel(f"categoria-{name}", title, columns, rows, chart, withheld="cells" not in breakdown))
    return panels


def target_and_budget(doc: Mapping[str, Any], words: Words) -> Panel:
    """Internships started against the target, allowances paid against the budget."""
    target, money = doc["target"], doc["allowances"]
    threshold = doc["threshold"]
    starts = target["starts"]
    not_shown = _("non mostrato: troppo pochi casi")
    share = f"{target['share_percent']}%" if target["share_percent"] is not None else not_shown
    paid = euro(money["paid_cents"], words.lang) if money["paid_cents"] is not None else not_shown
    used = f"{money['share_of_budget_percent']}%" if money["share_of_budget_percent"] is not None else not_shown
    rows = [
        Row(_("Tirocini previsti"), [str(target["internships"])]),
        Row(words.label("starts"), [starts]),
        Row(_("Quota dell'obiettivo"), [share]),
        Row(_("Budget del programma"), [euro(money["budget_cents"], words.lang)]),
        Row(_("Indennità pagate"), [paid]),
        Row(_("Quota del budget usata"), [used]),
    ]
    title = _("Obiettivo e budget")
    bars = [
        Bar(words.label("starts"), starts.get("value"), cell_text(dict(starts), words.lang, threshold),
            target["internships"]),
    ]  # fmt: skip
    if money["share_of_budget_percent"] is not None:
        bars.append(Bar(_("Quota del budget usata"), money["share_of_budget_percent"], used, 100))
    chart = _chart(_("Avviati rispetto all'obiettivo (tacca) e budget usato rispetto al 100%"), bars)
    return Panel("obiettivo", title, [_("Voce"), _("Valore")], rows, chart)


def phases(procedure: Mapping[str, Any], words: Words) -> Panel:
    """Each phase's measured median against its standard; bottlenecks named."""
    yes, no = _("sì"), _("no")

    def days(value: float | None) -> str:
        return "—" if value is None else f"{value:g}"

    rows = [
        Row(words.label(p["phase"]), [str(p["standard_days"]), p["cases"], days(p["median_days"]),
                                      days(p["p90_days"]), p["overruns"], yes if p["bottleneck"] else no])
        for p in procedure["phases"]
    ]  # fmt: skip
    title = _("Durata delle fasi rispetto agli standard")
    bars = [
        Bar(words.label(p["phase"]), p["median_days"], days(p["median_days"]), p["standard_days"])
        for p in procedure["phases"]
    ]
    chart = _chart(_("Durata mediana (barra) e standard (tacca), in giorni"), bars)
    columns = [
        _("Fase"), _("Standard (giorni)"), _("Casi"), _("Mediana (giorni)"),
        _("90° percentile (giorni)"), _("Oltre lo standard"), _("Collo di bottiglia"),
    ]  # fmt: skip
    return Panel("fasi", title, columns, rows, chart)


def bottlenecks(procedure: Mapping[str, Any], words: Words) -> list[str]:
    """The phases whose median exceeds their standard."""
    return [words.label(p["phase"]) for p in procedure["phases"] if p["bottleneck"]]


def dashboard(
    doc: Mapping[str, Any], procedure: Mapping[str, Any], places: Mapping[str, str], words: Words
) -> list[Panel]:
    """Every panel of the dashboard, in reading order."""
    return [
        funnel(doc, words),
        by_dimension(doc, "quarter", {}, words),
        by_dimension(doc, "municipality", places, words),
        *categories(doc, words),
        *([target_and_budget(doc, words)] if doc["target"]["internships"] else []),  # a slice has no target
        phases(procedure, words),
    ]
