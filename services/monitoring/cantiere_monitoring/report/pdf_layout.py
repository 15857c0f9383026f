"""Drawing helpers for the Masterplan PDF on fpdf2's core fonts: headings, text, table rows, bar charts.

Shown counts, and only they, are set in bold at body size (`COUNT_FONT`), so an audit can read every
count back from the PDF by its font, as the HTML marks them with `data-count`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

from fpdf import FPDF

from cantiere_monitoring.report.charts import Bar

FONT = "Helvetica"
BODY = 9.0
HEAD = 7.5  # table headings
COUNT_FONT = (f"{FONT}-Bold", BODY)  # what an audit looks for: every shown count, nothing else
INK, MUTED, ACCENT = (29, 39, 51), (92, 107, 122), (11, 79, 108)
BAR, WITHHELD, REFERENCE, LINE = (27, 153, 139), (122, 91, 0), (164, 22, 26), (213, 221, 229)
ROW = 5.2  # mm

Part = str | dict[str, Any]  # plain text, or a published cell
Align = Literal["L", "R"]


def pdf_text(value: object) -> str:
    """Text the core fonts can draw (Windows-1252): thin spaces become spaces, anything else unknown a "?"."""
    text = str(value).replace("\u202f", " ").replace("\u2009", " ")
    return text.encode("cp1252", errors="replace").decode("cp1252")


class ReportPDF(FPDF):
    """A4 portrait, core fonts in Windows-1252 (accents, the euro sign, dashes), a footer with the page number."""

    def __init__(self, footer: str, cell_text: Callable[[dict[str, Any]], str]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.core_fonts_encoding = "windows-1252"
        self.footer_text = pdf_text(footer)
        self.cell_text = cell_text  # renders a withheld cell's marker in the report's language
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.footer_text}  ·  {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(*INK)

    def keep(self, height: float) -> None:
        """Start a new page unless `height` millimetres still fit on this one."""
        if self.will_page_break(height):
            self.add_page()

    def heading(self, text: str, level: int = 1) -> None:
        size = {0: 18.0, 1: 13.0, 2: 10.5}[level]
        self.keep(24 if level < 2 else 16)
        self.ln(5 if level else 0)
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        if level == 1:
            self.set_draw_color(*ACCENT)
            self.set_line_width(0.5)
            self.line(self.l_margin, self.get_y() + 0.8, self.w - self.r_margin, self.get_y() + 0.8)
            self.ln(2.5)
        self.ln(1)
        self.set_text_color(*INK)

    def paragraph(self, text: str, style: str = "", size: float = BODY, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(1)

    def _part(self, part: Part, size: float) -> tuple[str, str, tuple[int, int, int]]:
        """Text, font style and colour of one part of a table cell: counts in `COUNT_FONT`, markers in italics."""
        if isinstance(part, str):
            return pdf_text(part), "", INK
        if size != BODY:
            raise ValueError("counts are drawn at body size only")
        if "value" in part:
            return str(int(part["value"])), "B", INK
        return pdf_text(self.cell_text(part)), "I", WITHHELD

    def parts(self, parts: Sequence[Part], width: float, align: Align = "R", size: float = BODY) -> None:
        """Draw one table cell made of parts (text and published cells) in `width` millimetres."""
        drawn = [self._part(p, size) for p in parts]
        widths = []
        for text, style, _ in drawn:
            self.set_font(FONT, style, size)
            widths.append(self.get_string_width(text) + 0.2)
        x, y = self.get_x(), self.get_y()
        start = x + width - sum(widths) - 1.5 if align == "R" else x + 1.5
        self.set_x(max(start, x))
        for (text, style, color), w in zip(drawn, widths, strict=True):
            self.set_font(FONT, style, size)
            self.set_text_color(*color)
            self.cell(w, ROW, text)
        self.set_text_color(*INK)
        self.set_xy(x + width, y)

    def row(self, cells: Sequence[Sequence[Part]], widths: Sequence[float], head: bool = False) -> None:
        """One table row: the first cell left-aligned, the others right-aligned; a rule below it."""
        self.keep(ROW + 1)
        if head:
            self.set_fill_color(238, 245, 248)
            self.rect(self.l_margin, self.get_y(), sum(widths), ROW, style="F")
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            self.parts(cell, width, "L" if i == 0 else "R", HEAD if head else BODY)
        self.ln(ROW)
        self.set_draw_color(*LINE)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.l_margin + sum(widths), self.get_y())

    def label_table(self, rows: Sequence[tuple[str, Sequence[Part]]], label_width: float = 120) -> None:
        """A two-column table: a label and a value made of parts."""
        for name, value in rows:
            self.row([[name], value], [label_width, self.epw - label_width])
        self.ln(2)

    def bars(self, title: str, bars: Sequence[Bar], counts: bool) -> None:
        """A horizontal bar chart; withheld values are a stub with their marker; references a red tick."""
        left, right, row = 52.0, 34.0, 6.0
        self.keep(row * len(bars) + 10)
        self.set_font(FONT, "", BODY + 0.5)
        self.set_text_color(*ACCENT)
        self.cell(0, 6, pdf_text(title), new_x="LMARGIN", new_y="NEXT")
        top = max([b.value or 0 for b in bars] + [b.reference or 0 for b in bars] + [1])
        scale = (self.epw - left - right) / top
        x0 = self.l_margin + left
        for bar in bars:
            y = self.get_y()
            self.set_font(FONT, "", BODY)
            self.set_text_color(*INK)
            self.cell(left - 2, row, pdf_text(bar.label), align="R")
            if bar.value is None:
                self.set_fill_color(242, 193, 78)
                length = 4.0
            else:
                self.set_fill_color(*BAR)
                length = max(bar.value * scale, 0.4 if bar.value else 0)
            if length:
                self.rect(x0, y + 1.2, length, row - 2.4, style="F")
            if bar.reference is not None:
                self.set_draw_color(*REFERENCE)
                self.set_line_width(0.6)
                self.line(x0 + bar.reference * scale, y + 0.3, x0 + bar.reference * scale, y + row - 0.3)
            withheld = bar.value is None
            self.set_font(FONT, "B" if counts and not withheld else "I" if withheld else "", BODY)
            end = length
            if (
                bar.reference is not None
                and length <= bar.reference * scale <= length + self.get_string_width(bar.text) + 3
            ):
                end = bar.reference * scale  # the value's text after the tick, not under it
            self.set_xy(x0 + end + 1.5, y)
            self.set_text_color(*(WITHHELD if withheld else INK))
            self.cell(right, row, pdf_text(bar.text), new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.ln(2)
