"""The four documents as PDF/A-2b: data in, bytes out (no database, no clock), on the shared document stack."""

from __future__ import annotations

from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from cantiere_web.documents import DocumentMeta, Documents

from cantiere_placements.documents.data import (
    AgreementDocument,
    AttestationDocument,
    ProjectDocument,
    RegisterDocument,
)

TEMPLATES = Path(__file__).parent / "templates"
NOTICE_KINDS = {"start": "Avvio", "extension": "Proroga", "end": "Cessazione"}
RETURN_REASONS = {
    "objectives": "Obiettivi formativi da chiarire",
    "hours_or_schedule": "Ore o orario da rivedere",
    "dates_or_duration": "Date o durata da rivedere",
    "allowance": "Indennità da rivedere",
    "tutors": "Tutor da indicare o correggere",
    "missing_documents": "Documenti mancanti",
    "other": "Altro",
}


@lru_cache(maxsize=1)
def documents() -> Documents:
    """The placements service's document templates on the shared stack (one environment, built once)."""
    found = Documents(TEMPLATES)
    found.env.globals.update(notice_kinds=NOTICE_KINDS, return_reasons=RETURN_REASONS)
    return found


def _short(placement_id: str) -> str:
    return placement_id[:8]


def agreement_pdf(doc: AgreementDocument) -> bytes:
    """Convenzione di tirocinio di inclusione."""
    meta = DocumentMeta(
        title=f"Convenzione di tirocinio {_short(doc.placement_id)}",
        author=doc.parties.promoter,
        subject="Convenzione di tirocinio di inclusione sociale",
        keywords=("convenzione", "tirocinio", doc.rules.id),
    )
    return documents().render("agreement.html", meta, {"doc": doc, "reference": f"Tirocinio {doc.placement_id}"})


def project_pdf(doc: ProjectDocument) -> bytes:
    """Progetto formativo individuale."""
    meta = DocumentMeta(
        title=f"Progetto formativo individuale {_short(doc.placement_id)}",
        author=doc.parties.promoter,
        subject="Progetto formativo individuale",
        keywords=("progetto formativo", "tirocinio", doc.rules.id),
    )
    return documents().render("project.html", meta, {"doc": doc, "reference": f"Tirocinio {doc.placement_id}"})


def register_pdf(doc: RegisterDocument) -> bytes:
    """Registro mensile delle presenze."""
    meta = DocumentMeta(
        title=f"Registro delle presenze {doc.month} {_short(doc.placement_id)}",
        author=doc.parties.promoter,
        subject=f"Registro mensile delle presenze, {doc.month}",
        keywords=("registro presenze", doc.month, doc.rules.id),
    )
    return documents().render("register.html", meta, {"doc": doc, "reference": f"Tirocinio {doc.placement_id}"})


def attestation_pdf(doc: AttestationDocument) -> bytes:
    """Attestazione delle competenze."""
    meta = DocumentMeta(
        title=f"Attestazione delle competenze {_short(doc.placement_id)}",
        author=doc.parties.promoter,
        subject="Attestazione delle competenze acquisite nel tirocinio",
        keywords=("attestazione", "competenze", doc.rules.id),
    )
    return documents().render("attestation.html", meta, {"doc": doc, "reference": f"Tirocinio {doc.placement_id}"})


def project_html_context(doc: ProjectDocument) -> dict[str, object]:
    """The project's facts for the page that shows it in full (the same data as the PDF)."""
    return {"project": doc, "facts": asdict(doc), "notice_kinds": NOTICE_KINDS, "return_reasons": RETURN_REASONS}
