"""Time per document: each of the four rendered to PDF/A-2b, beside WeasyPrint writing the agreement's HTML as a
plain PDF (the raw baseline: what templates, PDF/A and the embedded fonts add)."""

from __future__ import annotations

import logging
import time

from cantiere_placements.documents import render
from cantiere_placements.documents.data import AgreementDocument
from cantiere_web.documents import DocumentMeta
from weasyprint import HTML

from tests.bench.figures import Figures
from tests.unit.documents.test_placement_documents import DOCUMENTS, ISSUED, PARTIES, PLACEMENT, RULES

ROUNDS = 5


def bench_documents(figures: Figures) -> None:
    """Milliseconds per document, the raw plain PDF first."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # its font-subsetting notice, once per document
    agreement = AgreementDocument(PLACEMENT, PLACEMENT, ISSUED, PARTIES, RULES, ISSUED)
    html = render.documents().html("agreement.html", DocumentMeta("bench", "bench"), {"doc": agreement})
    HTML(string=html).write_pdf()  # Pango and the fonts warmed up
    started = time.perf_counter()
    for _ in range(ROUNDS):
        HTML(string=html).write_pdf()
    each = {"raw_plain_pdf": round((time.perf_counter() - started) / ROUNDS * 1000, 1)}
    for name, make in DOCUMENTS.items():
        make()
        started = time.perf_counter()
        for _ in range(ROUNDS):
            make()
        each[name] = round((time.perf_counter() - started) / ROUNDS * 1000, 1)
    figures.other("documents", **each)
