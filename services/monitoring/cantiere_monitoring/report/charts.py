"""Inline SVG bar charts, self-contained: no scripts, no external assets, colours as attributes (so a page's
stylesheet, a PDF printer and a browser without CSS draw them alike)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

INK, BAR, WITHHELD, REFERENCE = "#1d2733", "#0b6e69", "#b8860b", "#a4161a"
TEXT = f'font-family="sans-serif" font-size="12" fill="{INK}"'


@dataclass(frozen=True)
class Bar:
    """One bar: a label, a value (None: withheld, drawn as a hatched stub with its marker) and an optional text."""

    label: str
    value: float | None
    text: str
    reference: float | None = None  # e.g. the standard duration, drawn as a tick


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 640, unit: str = "") -> str:
    """A horizontal bar chart as an <svg> element."""
    # Room for the longest label (about 6.5 px a character at 12 px), within bounds.
    row, right = 26, 110
    left = min(max(120, round(6.5 * max((len(b.label) for b in bars), default=0)) + 16), width // 2)
    height = row * len(bars) + 34
    top = max([b.value or 0 for b in bars] + [b.reference or 0 for b in bars] + [1])
    scale = (width - left - right) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f'<title>{escape(title)}</title>',
        f'<text x="0" y="16" class="chart-title" {TEXT} font-weight="bold">{escape(title)}</text>',
    ]  # fmt: skip
    for i, bar in enumerate(bars):
        y = 28 + i * row
        parts.append(
            f'<text x="{left - 8}" y="{y + 14}" text-anchor="end" class="chart-label" {TEXT}>{escape(bar.label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<rect x="{left}" y="{y + 3}" width="14" height="14" class="bar-withheld" fill="{WITHHELD}"/>'
            )
            length = 14
        else:
            length = max(round(bar.value * scale), 1 if bar.value else 0)
            parts.append(f'<rect x="{left}" y="{y + 3}" width="{length}" height="14" class="bar" fill="{BAR}"/>')
        text = f"{bar.text}{unit if bar.value is not None else ''}"
        parts.append(f'<text x="{left + length + 6}" y="{y + 14}" class="chart-value" {TEXT}>{escape(text)}</text>')
        if bar.reference is not None:
            x = left + round(bar.reference * scale)
            parts.append(
                f'<line x1="{x}" y1="{y}" x2="{x}" y2="{y + 20}" class="reference" '
                f'stroke="{REFERENCE}" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)
