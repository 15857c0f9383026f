"""The Masterplan's English edition has no Italian left in it (the territory's proper names aside, marked lang="it");
the Italian edition reads as a policy document (the model, phases with roles and timings, outcomes, costs, what a
new territory adapts)."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from cantiere_monitoring.domain.cells import _LABELS as SUPPRESSION_LABELS
from cantiere_monitoring.report import texts
from cantiere_monitoring.report.masterplan import render_html
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_monitoring.service_layer.masterplan import masterplan_data
from cantiere_runtime.territory import Territory
from sqlalchemy.ext.asyncio import AsyncEngine

from .known_history import known_history, project
from .test_api_and_disclosure import BARI

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _pairs() -> list[tuple[str, str]]:
    pairs = [*texts._TEXTS.values(), *texts.LABELS.values()]
    pairs += [pair for who_what in texts.PHASE_TEXTS.values() for pair in who_what]
    pairs += [
        (SUPPRESSION_LABELS[("it", s)], SUPPRESSION_LABELS[("en", s)]) for lang, s in SUPPRESSION_LABELS if lang == "it"
    ]
    return pairs


def italian_words() -> set[str]:
    """Every word the report says in Italian that its English never says."""
    italian = {w.lower() for it, _ in _pairs() for w in WORD.findall(it)}
    english = {w.lower() for _, en in _pairs() for w in WORD.findall(en)}
    return italian - english


class EnglishText(HTMLParser):
    """The text a reader sees, outside the elements marked as Italian (proper names) and the stylesheet."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is it (inside) an Italian or non-text element
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        inside = bool(self.stack and self.stack[-1])
        if tag in ("meta", "br", "img", "link", "line", "rect"):
            return
        self.stack.append(inside or (dict(attrs).get("lang") == "it" and tag != "html") or tag == "style")

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("meta", "br", "img", "link", "line", "rect") and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def visible_english(html: str, territory: Territory) -> str:
    parser = EnglishText()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in sorted(_proper_names(territory), key=len, reverse=True):
        text = text.replace(name, " ")
    return text


def _proper_names(territory: Territory) -> set[str]:
    districts = {d.name for m in territory.municipalities for d in m.districts}
    return (
        {territory.name} | {m.name for m in territory.municipalities} | {a.name for a in territory.ambiti} | districts
    )


@pytest.fixture
async def figures(engine: AsyncEngine) -> Figures:
    await project(engine, known_history())
    return Figures(engine, BARI)


@pytest.mark.parametrize("period", ["programme", "2008", "2008-Q1"])
async def test_the_english_edition_has_no_italian_word_outside_the_proper_names(figures: Figures, period: str) -> None:
    data = await masterplan_data(figures, figures.release(period), lambda: date(2026, 12, 2))
    text = visible_english(render_html(data, "en"), BARI)
    words = {w.lower() for w in WORD.findall(text)}
    assert not words & italian_words(), sorted(words & italian_words())
    assert not re.search(r"[àèéìòù]", text), re.findall(r"\S*[àèéìòù]\S*", text)


async def test_the_italian_words_the_check_knows_include_the_reports_own() -> None:
    # The check above can fail: it knows the Italian of the report's sections, units and markers.
    assert {"sintesi", "modello", "costi", "giorni", "mesi", "capofila", "meno", "riportato"} <= italian_words()


async def test_the_italian_edition_reads_as_a_policy_document(figures: Figures) -> None:
    data = await masterplan_data(figures, figures.release(), lambda: date(2026, 12, 2))
    html = render_html(data, "it")
    sections = re.findall(r"<h2>(.*?)</h2>", html)
    assert sections[:6] == ["1. Sintesi per i decisori", "2. Il modello", "3. La procedura fase per fase",
                            "4. Esiti", "5. Costi", "6. Che cosa adatta un nuovo territorio"]  # fmt: skip
    for phase in ("Segnalazione", "Accoglienza", "Abbinamento", "Convenzione e avvio", "Svolgimento"):
        assert f'<th scope="row">{phase}</th>' in html  # each phase with who, what, its standard and median
    assert "Comune (assistente sociale, responsabile)" in html and "15 giorni" in html
    assert "Budget per tirocinio previsto" in html and "16.666,66 €" in html  # 500,000 euro over 30 internships
    assert "format_version" not in html  # not the territory file pasted in
