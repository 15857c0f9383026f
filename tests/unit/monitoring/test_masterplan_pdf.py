"""The Masterplan as PDF (WeasyPrint, PDF/A-2b) from the same template as the HTML: same roles, Italian and English,
every count it shows 0 or >= threshold, the same counts as the HTML."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from cantiere_monitoring.entrypoints.api import monitoring_app
from cantiere_monitoring.entrypoints.cli import app as cli
from cantiere_monitoring.report.masterplan import COUNT_FONT
from cantiere_monitoring.service_layer.figures import Figures
from cantiere_monitoring.service_layer.masterplan import masterplan_document
from cantiere_runtime.auth import Role
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from .known_history import known_history, project
from .test_api_and_disclosure import BARI, ISSUERS, allowed, token

SECTIONS = {
    "it": ["Masterplan del programma", "1. Sintesi per i decisori", "2. Il modello", "3. La procedura fase per fase",
           "4. Esiti", "5. Costi", "6. Che cosa adatta un nuovo territorio", "Allegato: le cifre in dettaglio",
           "Colli di bottiglia", "Mediana", "Regole regionali applicate", "puglia-2008-pilot"],
    "en": ["Programme Masterplan", "1. Summary for decision makers", "2. The model", "3. The procedure phase by phase",
           "4. Outcomes", "5. Costs", "6. What a new territory adapts", "Annex: the figures in detail",
           "Bottlenecks", "Median", "Regional rules applied", "puglia-2008-pilot"],
}  # fmt: skip
COUNT_FONT_NAME = COUNT_FONT.replace(" ", "-")  # as the PDF names the embedded (subset) font: ABCDEF+DejaVu-Sans-Mono


def today() -> date:
    return date(2026, 12, 2)


async def render_masterplan_pdf(figures: Figures, lang: str) -> bytes:
    return await masterplan_document(figures, figures.release(), lang, "pdf", today)  # type: ignore[arg-type]


MARKER = {"it": "meno di 5", "en": "fewer than 5"}


def read_back(pdf: bytes) -> tuple[str, list[str]]:
    """The PDF's text, and every text run set in the count font (the PDF's `data-count`)."""
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[str] = []

    def visit(text: str, _cm: Any, _tm: Any, font: Any, size: float) -> None:
        base = str(font.get("/BaseFont", "")) if font is not None else ""
        if base.partition("+")[2].startswith(COUNT_FONT_NAME) and text.strip():
            runs.append(text.strip())

    return "\n".join(page.extract_text(visitor_text=visit) for page in reader.pages), runs


def shown_counts(runs: list[str]) -> list[int]:
    """The counts the PDF shows; anything else in the count font is a mistake."""
    assert all(re.fullmatch(r"\d+", run) for run in runs), runs
    return [int(run) for run in runs]


@pytest_asyncio.fixture
async def figures(engine: AsyncEngine) -> Figures:
    await project(engine, known_history())
    return Figures(engine, BARI)


@pytest_asyncio.fixture
async def client(figures: Figures) -> AsyncIterator[httpx.AsyncClient]:
    app = monitoring_app(BARI, ISSUERS)
    app.state.figures = figures
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://monitoring") as http:
        yield http


@pytest.mark.parametrize("lang", ["it", "en"])
async def test_the_pdf_has_every_section_in_its_language_and_only_safe_counts(figures: Figures, lang: str) -> None:
    pdf = await render_masterplan_pdf(figures, lang)
    assert pdf.startswith(b"%PDF")
    text, runs = read_back(pdf)
    for title in SECTIONS[lang]:
        assert title in text, title
    counts = shown_counts(runs)
    assert len(counts) > 10 and all(allowed(c) for c in counts), counts
    assert MARKER[lang] in text  # withheld cells show their marker, never their count
    assert ("Segnalazioni per fascia d'età" if lang == "it" else "Referrals by age band") in text  # accents survive


async def test_the_pdf_is_pdf_a_2b_in_the_report_language(figures: Figures) -> None:
    reader = PdfReader(io.BytesIO(await render_masterplan_pdf(figures, "en")))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/OutputIntents" in root  # the colour profile PDF/A requires
    metadata = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="2"' in metadata and 'pdfaid:conformance="B"' in metadata


async def test_the_pdf_shows_the_same_counts_as_the_html(client: httpx.AsyncClient) -> None:
    headers = token(Role.ANALYST)
    html = (await client.get("/masterplan", headers=headers)).text
    pdf = (await client.get("/masterplan?format=pdf", headers=headers)).content
    html_counts = sorted(int(c) for c in re.findall(r'data-count="(\d+)"', html))
    pdf_counts = sorted(shown_counts(read_back(pdf)[1]))
    # One template: the PDF prints exactly the counts the HTML shows.
    assert pdf_counts == html_counts


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
async def test_analysts_and_auditors_get_the_pdf(client: httpx.AsyncClient, role: Role) -> None:
    response = await client.get("/masterplan?format=pdf&lang=en", headers=token(role))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "masterplan" in response.headers["content-disposition"]


@pytest.mark.parametrize("role", [r for r in Role if r not in (Role.ANALYST, Role.AUDITOR)])
async def test_every_other_role_is_refused_the_pdf(client: httpx.AsyncClient, role: Role) -> None:
    assert (await client.get("/masterplan?format=pdf", headers=token(role))).status_code == 403
    assert (await client.get("/masterplan?format=pdf")).status_code == 401


async def test_an_unknown_format_is_refused(client: httpx.AsyncClient) -> None:
    assert (await client.get("/masterplan?format=docx", headers=token(Role.ANALYST))).status_code == 422


def test_the_command_refuses_a_format_it_does_not_know(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["masterplan", "--out", str(tmp_path / "report.docx")])
    assert result.exit_code != 0
    assert not (tmp_path / "report.docx").exists()


COMMANDS = [
    (["--out", "r.pdf"], b"%PDF"),
    (["--out", "r.out", "--format", "pdf"], b"%PDF"),
    (["--out", "r.html", "--lang", "en"], b"<!DOCTYPE html>"),
]


@pytest.mark.parametrize(("args", "kind"), COMMANDS)
def test_the_command_writes_pdf_or_html_by_suffix_or_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], kind: bytes
) -> None:
    monkeypatch.setenv("CANTIERE_DATABASE_URL", f"sqlite:///{tmp_path / 'monitoring.db'}")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["masterplan", *args])
    assert result.exit_code == 0, result.output
    assert (tmp_path / args[1]).read_bytes().startswith(kind)
