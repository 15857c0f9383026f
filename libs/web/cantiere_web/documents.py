"""Documents as PDF/A-2b, rendered from Jinja HTML templates by WeasyPrint: one template stack for every service.

A service keeps its document templates in its own folder; they extend ``documents/base.html`` from here
(A4 page, header, footer with page numbers, the vendored Titillium Web font, so a PDF looks the same on every
machine and embeds its fonts as PDF/A asks). Renderers are pure: data in, bytes out; no database, no clock.

Documents are filed with Italian administrations, so they are written in Italian only; the texts live in the
templates, not in the page catalogues.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from cantiere_web.pdf import html_to_pdf

HERE = Path(__file__).parent
SHARED_TEMPLATES = HERE / "templates"
FONTS = HERE / "static" / "bootstrap-italia" / "fonts"
LOCALE = "it"


def italian_date(value: date | None) -> str:
    """17/04/2026, or a dash when there is no date yet."""
    return "—" if value is None else format_date(value, format="dd/MM/yyyy", locale=LOCALE)


def long_date(value: date | None) -> str:
    """17 aprile 2026."""
    return "—" if value is None else format_date(value, format="d MMMM yyyy", locale=LOCALE)


def number(value: int | float | Decimal | None, digits: int = 0) -> str:
    """1.234,50 with Italian separators."""
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0" + ("." + "0" * digits if digits else ""), locale=LOCALE)


def euro(cents: int | None) -> str:
    """An amount in cents as euro: 1.234,50 €."""
    return "—" if cents is None else f"{number(Decimal(cents) / 100, 2)} €"


@lru_cache(maxsize=1)
def font_folder() -> Path:
    """The vendored woff2 fonts as TrueType, decompressed once per process into a temporary folder.

    WeasyPrint decompresses a woff2 font on every rendering (about two thirds of a document's time); a TrueType
    file it reads as it is. The folder mirrors ``static/bootstrap-italia/fonts``.
    """
    from fontTools.ttLib import woff2  # WeasyPrint's own dependency

    target = Path(tempfile.mkdtemp(prefix="cantiere-fonts-"))
    for source in FONTS.glob("*/*.woff2"):
        (target / source.parent.name).mkdir(exist_ok=True)
        woff2.decompress(str(source), str(target / source.parent.name / f"{source.stem}.ttf"))
    return target


@dataclass(frozen=True)
class DocumentMeta:
    """What the PDF's metadata say: title, author (the issuing partner), subject, language."""

    title: str
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass
class Documents:
    """A service's document templates over the shared stack; ``render`` returns a PDF/A-2b as bytes."""

    templates: Path
    env: Environment = field(init=False)

    def __post_init__(self) -> None:
        self.env = Environment(
            loader=ChoiceLoader([FileSystemLoader(self.templates), FileSystemLoader(SHARED_TEMPLATES)]),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,  # a missing fact fails the rendering, never prints an empty line
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(date=italian_date, long_date=long_date, number=number, euro=euro)

    def html(self, template: str, meta: DocumentMeta, data: Mapping[str, Any]) -> str:
        """The document as HTML (what the PDF is drawn from; also handy to look at in a test)."""
        return self.env.get_template(template).render(meta=meta, fonts=font_folder().as_uri(), **data)

    def render(self, template: str, meta: DocumentMeta, data: Mapping[str, Any]) -> bytes:
        """The document as PDF/A-2b."""
        return html_to_pdf(self.html(template, meta, data), base_url=self.templates)  # title, language: base.html
