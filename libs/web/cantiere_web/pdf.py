"""HTML to PDF (WeasyPrint): one way every service turns a rendered document into an archivable PDF/A-2b."""

from __future__ import annotations

from pathlib import Path

PDF_VARIANT = "pdf/a-2b"  # archivable (ISO 19005-2, level B): fonts embedded, colours defined, no external links


def html_to_pdf(html: str, *, base_url: str | Path | None = None) -> bytes:
    """The PDF/A-2b rendering of an HTML document (its CSS inline or under ``base_url``; nothing is fetched
    from the network: a document names only local files)."""
    from weasyprint import HTML  # imported on use: Pango is loaded only by the processes that print

    document = HTML(string=html, base_url=str(base_url) if base_url else None)
    pdf: bytes = document.write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
