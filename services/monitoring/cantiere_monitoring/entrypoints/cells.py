"""A published cell as a page shows it: the count, or why it is withheld ("meno di 5"), never the count."""

from __future__ import annotations

from typing import Any

from cantiere_web.i18n import current_locale

from cantiere_monitoring.domain.cells import Suppression, label


def shown(cell: dict[str, Any], threshold: int) -> str:
    """A published cell in the page's language: the count, or why it is withheld ("meno di 5")."""
    if "value" in cell:
        return str(cell["value"])
    lang = "en" if current_locale.get() == "en" else "it"
    if "reason" in cell:
        return label(Suppression(cell["reason"]), threshold, lang)
    return label(Suppression.WITHHELD, threshold, lang)
