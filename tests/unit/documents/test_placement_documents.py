"""The four documents render to PDF/A-2b from their data alone: pypdf opens each, finds the parties, the rule set,
the dates and the intern by first name and case reference, and never a tax code."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from cantiere_placements.documents import data as d
from cantiere_placements.documents import render
from pypdf import PdfReader

PLACEMENT = "0190d1a0-0000-7000-8000-0000000000aa"
PARTIES = d.Parties(
    promoter="ATI Cantiere dell'inclusione",
    host_name="Trattoria Inventata s.r.l.",
    host_vat_number="01234567897",
    host_site="Mola di Bari",
    host_sector="56.10",
    referring_municipality="Comune di Bari",
    employment_centre="Centro per l'Impiego di Bari",
)
RULES = d.Rules("puglia-lr-26-2023", "L.R. Puglia 10 novembre 2023, n. 26", "Puglia", 30, 60_000, 70, 24, ("x",))
INTERN = d.Intern("Fiordaliso", "0190d1a0-0000-7000-8000-00000000c0de")
TAX_CODE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPR-T][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
HIDDEN = d.Intern(None, "0190d1a0-0000-7000-8000-00000000c0de")
ISSUED = date(2026, 5, 4)


def _project(intern: d.Intern = INTERN, **changes: object) -> d.ProjectDocument:
    base = d.ProjectDocument(
        placement_id=PLACEMENT,
        agreement_id="0190d1a0-0000-7000-8000-0000000000bb",
        agreement_signed_on=date(2026, 3, 2),
        parties=PARTIES,
        rules=RULES,
        intern=intern,
        objectives=("kitchen.basic", "haccp"),
        promoter_tutor_id="demo-ati-cantiere-po-1",
        host_tutor_id="demo-ati-cantiere-ct-1",
        hours_per_week=20,
        starts_on=date(2026, 4, 1),
        ends_on=date(2026, 9, 30),
        monthly_allowance_cents=60_000,
        validated_on=date(2026, 3, 20),
        pending_return=None,
        returns=(d.Return("hours_or_schedule", "Ridurre le ore.", date(2026, 3, 10)),),
        notices=(d.Notice("start", "CO/2026/0042", date(2026, 3, 25)),),
        issued_on=ISSUED,
    )
    return base if not changes else type(base)(**{**base.__dict__, **changes})


DOCUMENTS = {
    "agreement": lambda: render.agreement_pdf(
        d.AgreementDocument(PLACEMENT, "0190d1a0-0000-7000-8000-0000000000bb", date(2026, 3, 2), PARTIES, RULES, ISSUED)
    ),
    "project": lambda: render.project_pdf(_project()),
    "register": lambda: render.register_pdf(
        d.RegisterDocument(
            PLACEMENT, PARTIES, RULES, INTERN, "2026-04", 20, Decimal(80), Decimal("62.5"), 60_000, None, ISSUED
        )
    ),
    "attestation": lambda: render.attestation_pdf(
        d.AttestationDocument(
            PLACEMENT, PARTIES, RULES, INTERN, date(2026, 4, 1), date(2026, 9, 30), Decimal("480.5"),
            ("kitchen.basic",), ("food.safety",), ("S1.2.3",), date(2026, 10, 2),
        )
    ),
}  # fmt: skip
EXPECTED = {
    "agreement": ("Convenzione di tirocinio", "02/03/2026"),
    "project": ("Progetto formativo individuale", "01/04/2026", "30/09/2026", "20/03/2026", "CO/2026/0042"),
    "register": ("Registro mensile delle presenze", "2026-04", "62,50", "78,1%", "600,00 €"),
    "attestation": ("Attestazione delle competenze", "02/10/2026", "food.safety", "480,50"),
}


def _text(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {name: make() for name, make in DOCUMENTS.items()}


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_each_document_names_the_parties_their_roles_the_rules_and_its_dates(
    rendered: dict[str, bytes], name: str
) -> None:
    _, text = _text(rendered[name])
    for fact in (
        "Soggetto promotore",
        "ATI Cantiere dell'inclusione",
        "Soggetto ospitante",
        "Trattoria Inventata",
        "01234567897",
    ):
        assert fact in text, (name, fact)
    assert "L.R. Puglia 10 novembre 2023, n. 26" in text
    assert "Comune di Bari" in text
    for fact in EXPECTED[name]:
        assert fact in text, (name, fact)


@pytest.mark.parametrize("name", ["project", "register", "attestation"])
def test_the_intern_appears_by_first_name_and_case_reference_only(rendered: dict[str, bytes], name: str) -> None:
    _, text = _text(rendered[name])
    assert "Fiordaliso" in text and "0190d1a0-0000-7000-8000-00000000c0de" in text
    assert not TAX_CODE.search(text.replace(" ", ""))


def test_the_agreement_names_no_intern(rendered: dict[str, bytes]) -> None:
    _, text = _text(rendered["agreement"])
    assert "Fiordaliso" not in text and "00000000c0de" not in text


def test_a_person_who_shares_nothing_with_the_host_is_not_named() -> None:
    _, text = _text(render.project_pdf(_project(HIDDEN)))
    assert "Fiordaliso" not in text and "nome non condiviso" in text


def test_a_returned_project_says_so_instead_of_validated() -> None:
    back = d.Return("tutors", "Indicare il tutor.", date(2026, 3, 10))
    _, text = _text(render.project_pdf(_project(validated_on=None, pending_return=back)))
    assert "Restituito dal Centro per l'impiego il 10/03/2026" in text and "Convalidato" not in text


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_each_document_is_pdf_a_2b_with_its_metadata(rendered: dict[str, bytes], name: str) -> None:
    reader, _ = _text(rendered[name])
    xmp = reader.xmp_metadata
    assert xmp is not None
    assert xmp.pdfaid_part == "2" and xmp.pdfaid_conformance == "B"
    info = reader.metadata
    assert info is not None and info.author == "ATI Cantiere dell'inclusione" and info.title
    assert "/OutputIntents" in reader.trailer["/Root"]  # the colour profile PDF/A asks for
    fonts = {
        str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].get_object().values()
    }
    assert any("Titillium" in f for f in fonts), fonts  # the vendored font, embedded
