"""Time per document: each of the four rendered to PDF/A-2b, beside WeasyPrint writing the agreement's HTML as a
plain PDF (the raw baseline: what templates, PDF/A and the embedded fonts add)."""

from __future__ import annotations

import time

from cantiere_placements.documents import render
from cantiere_placements.documents.data import AgreementDocument
from cantiere_web.documents import DocumentMeta
from weasyprint import HTML

from tests.unit.documents.test_placement_documents import DOCUMENTS, ISSUED, PARTIES, PLACEMENT, RULES

ROUNDS = 5


def _each(what: str, seconds: float, baseline: float | None = None) -> float:
    each = seconds / ROUNDS
    extra = f"   ({each / baseline:5.2f} x raw)" if baseline else ""
    print(f"  {what:<46} {each * 1000:>8,.0f} ms each{extra}")
    return each


def bench_documents() -> None:
    print(f"documents: PDF/A-2b from Jinja templates by WeasyPrint ({ROUNDS} of each)")
    agreement = AgreementDocument(PLACEMENT, PLACEMENT, ISSUED, PARTIES, RULES, ISSUED)
    html = render.documents().html("agreement.html", DocumentMeta("bench", "bench"), {"doc": agreement})
    HTML(string=html).write_pdf()  # Pango and the fonts warmed up
    started = time.perf_counter()
    for _ in range(ROUNDS):
        HTML(string=html).write_pdf()
    baseline = _each("raw WeasyPrint: the agreement's HTML, plain PDF", time.perf_counter() - started)
    for name, make in DOCUMENTS.items():
        make()
        started = time.perf_counter()
        for _ in range(ROUNDS):
            make()
        _each(f"{name} (template, PDF/A-2b)", time.perf_counter() - started, baseline)
