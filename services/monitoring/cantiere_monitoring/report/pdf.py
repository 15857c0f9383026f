"""The Masterplan as a PDF (fpdf2), drawn from the same published, already suppressed figures as the HTML."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from cantiere_monitoring.domain.releases import Release
from cantiere_monitoring.report.masterplan import MasterplanData, cell_text, chart_bars, euro, masterplan_data
from cantiere_monitoring.report.pdf_layout import BODY, FONT, HEAD, INK, MUTED, REFERENCE, Part, ReportPDF, pdf_text
from cantiere_monitoring.report.texts import Lang, label, text
from cantiere_monitoring.service_layer.figures import Figures


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def _in_figures(pdf: ReportPDF, data: MasterplanData, lang: Lang) -> None:
    t = partial(text, lang=lang)
    ind = data.indicators
    charts = chart_bars(ind, data.procedure, lang)
    pdf.heading(f"1. {t('in_figures')}")
    pdf.bars(*charts["flows"], counts=True)
    pdf.row([[t("indicator")], [t("people")]], [120, pdf.epw - 120], head=True)
    pdf.label_table([(label(name, lang), [flow["total"]]) for name, flow in ind["flows"].items()])
    pdf.bars(*charts["target"], counts=True)
    target, money, attendance = ind["target"], ind["allowances"], ind["attendance"]
    share: list[Part] = [] if target["share_percent"] is None else [f" ({target['share_percent']}%)"]
    budget: list[Part] = (
        [f"{euro(money['paid_cents'])} / {euro(money['budget_cents'])} ({money['share_of_budget_percent']}%)"]
        if money["paid_cents"] is not None
        else [{"text": t("not_enough")}, f" / {euro(money['budget_cents'])}"]
    )
    attended = attendance["attended_share_percent"]
    pdf.label_table([
        (t("target"), [str(target["internships"])]),
        (label("starts", lang), [target["starts"], *share]),
        (t("budget"), budget),
        (t("attendance"), [f"{attended}%"] if attended is not None else [{"text": t("not_enough")}]),
    ])  # fmt: skip
    pdf.heading(t("at_end"), 2)
    pdf.label_table([(label(name, lang), [cell]) for name, cell in ind["at_period_end"].items()])
    for name, flow in ind["flows"].items():
        for dim, series in flow["by"].items():
            if "cells" in series and dim != "month":
                pdf.heading(f"{label(name, lang)} {t('by')} {label(dim, lang)}", 2)
                pdf.label_table([(label(key, lang), [cell]) for key, cell in series["cells"].items()])
    if ind.get("release", "programme") != "programme":
        pdf.paragraph(t("programme_only"), style="I")


def _procedure(pdf: ReportPDF, data: MasterplanData, lang: Lang) -> None:
    t = partial(text, lang=lang)
    pdf.heading(f"2. {t('procedure')}")
    pdf.bars(*chart_bars(data.indicators, data.procedure, lang)["phases"], counts=False)
    head = [t(key).split(" (")[0] for key in ("phase", "standard", "cases", "median", "p90", "overruns", "bottleneck")]
    pdf.set_font(FONT, "", HEAD)
    widths = [max(pdf.get_string_width(name) + 4, 15) for name in head[1:]]
    widths.insert(0, pdf.epw - sum(widths))
    pdf.row([[name] for name in head], widths, head=True)
    for p in data.procedure["phases"]:
        overruns: Part = p["overruns"] if p["overruns"].keys() & {"value", "reason", "withheld"} else "—"
        flag = t("yes") if p["bottleneck"] else t("no")
        cells: list[list[Part]] = [[label(p["phase"], lang)], [str(p["standard_days"])], [p["cases"]],
                                   [_days(p["median_days"])], [_days(p["p90_days"])], [overruns], [flag]]  # fmt: skip
        pdf.row(cells, widths)
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(0, 4, pdf_text(f"{t('standard')} · {t('median')} · {t('p90')}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    names = ", ".join(label(p["phase"], lang) for p in data.bottlenecks) or t("none")
    pdf.paragraph(f"{t('bottlenecks')}: {names}.", color=REFERENCE if data.bottlenecks else INK)


def _outcomes(pdf: ReportPDF, data: MasterplanData, lang: Lang) -> None:
    pdf.heading(f"3. {text('outcomes', lang)}")
    for name, category in data.indicators["categories"].items():
        pdf.heading(label(name if name != "outcomes" else "outcomes_breakdown", lang), 2)
        breakdown = category["breakdown"]
        if "cells" in breakdown:
            rows: list[tuple[str, list[Part]]] = [(label(k, lang), [c]) for k, c in breakdown["cells"].items()]
            if breakdown.get("total"):
                rows.append((text("total", lang), [breakdown["total"]]))
            pdf.label_table(rows)
        else:
            total = category["total"]
            shown = "value" in total or "reason" in total
            pdf.label_table([(text("programme_level", lang), [total] if shown else ["—"])])


def _partners(pdf: ReportPDF, data: MasterplanData, lang: Lang) -> None:
    territory = data.territory
    pdf.heading(f"4. {text('partners', lang)}")
    for m in territory.municipalities:
        lead = f" ({text('lead', lang)})" if m.code == territory.lead_municipality else ""
        districts = f" — {', '.join(d.name for d in m.districts)}" if m.districts else ""
        pdf.paragraph(f"•  {m.name}{lead}{districts}")
    for partner in (territory.partners.consortium, territory.partners.employment_centre, territory.partners.monitoring):
        pdf.paragraph(f"•  {partner.name}")
    pdf.heading(text("hosts", lang), 2)
    hosts = data.indicators["hosts"]
    pdf.label_table([(label("recruited", lang), [hosts["recruited"]]), (label("retained", lang), [hosts["retained"]])])


def _configuration(pdf: ReportPDF, data: MasterplanData, lang: Lang) -> None:
    pdf.heading(f"5. {text('configuration', lang)}")
    pdf.heading(text("rule_sets", lang), 2)
    for starts_on, rs in data.rule_sets:
        summary = text("rule_summary", lang).format(
            allowance=euro(rs.min_monthly_allowance_cents[0].cents), attendance=rs.attendance_threshold_percent,
            shortest=rs.min_duration_months, longest=rs.max_duration_months, hours=rs.max_hours_per_week,
        )  # fmt: skip
        pdf.paragraph(f"{starts_on.isoformat()}:  {rs.id} — {rs.legal_reference} ({rs.region})", style="I")
        pdf.paragraph(summary)
    pdf.heading(text("territory_file", lang), 2)
    pdf.set_font("Courier", "", 7)
    pdf.set_fill_color(246, 248, 250)
    pdf.multi_cell(0, 3.3, pdf_text(data.territory_file), fill=True, new_x="LMARGIN", new_y="NEXT")


def render_pdf(data: MasterplanData, lang: Lang = "it") -> bytes:
    """The Masterplan as PDF bytes; every count it shows is a published cell."""
    threshold = data.territory.disclosure_threshold
    territory, period = data.territory, data.period

    def marker(cell: dict[str, Any]) -> str:
        return str(cell["text"]) if "text" in cell else cell_text(cell, lang, threshold)

    pdf = ReportPDF(f"{text('title', lang)} — {territory.name}", marker)
    pdf.set_title(pdf_text(f"{text('title', lang)} — {territory.name}"))
    pdf.set_lang(lang)
    pdf.set_creator("Cantiere monitoring")
    pdf.add_page()
    pdf.heading(text("title", lang), 0)
    span = f"{period.start.isoformat()} \u2013 {period.end.isoformat()}"
    pdf.paragraph(f"{territory.name}  ·  {text('period', lang)}: {span}", size=BODY + 1.5)
    pdf.paragraph(f"{text('generated', lang)} {data.generated.isoformat()}", size=BODY - 0.5, color=MUTED)
    pdf.paragraph(text("threshold_note", lang).format(t=threshold), style="I")
    for section in (_in_figures, _procedure, _outcomes, _partners, _configuration):
        section(pdf, data, lang)
    return bytes(pdf.output())


async def render_masterplan_pdf(
    figures: Figures, release: Release | None = None, lang: Lang = "it", territory_file: Path | None = None
) -> bytes:
    """The Masterplan of a release (the programme by default) as one PDF document."""
    return render_pdf(await masterplan_data(figures, release, territory_file), lang)
