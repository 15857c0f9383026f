"""Domain errors of the placements service, with messages a placement operator understands, in Italian and English.

The domain stays pure: each refusal carries both ready texts (no catalogue, no request language here); the pages
pick one with ``text(message_it, message_en)`` and the API answers with both. ``str(error)`` is the English text.
"""

from __future__ import annotations

from datetime import date

MONTHS_IT = (
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
)

# The words the pages show for a placement's status and a candidate's stage (as in entrypoints/page_labels.py).
STATUS_IT = {
    "proposed": "Proposto",
    "agreed": "Accettato: convenzione e progetto",
    "running": "In corso",
    "suspended": "Sospeso",
    "interrupted": "Interrotto",
    "completed": "Concluso",
    "closed": "Chiuso",
    "rejected": "Rifiutato",
}
STAGE_IT = {
    "referred": "Segnalato",
    "accepted": "Accolto",
    "declined": "Non accolto",
    "placed": "Abbinato",
    "erased": "Dati cancellati",
}


class DomainError(Exception):
    """A command the placements rules refuse; the messages say why in plain words, in Italian and English."""

    def __init__(self, message_it: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_it = message_it
        self.message_en = message_en


class NotFound(DomainError):
    """The record the command is about does not exist (yet)."""


class WrongState(DomainError):
    """The command does not fit where the case stands now."""


class InvalidHost(DomainError):
    """The host's data break a registration rule (VAT number, declarations, headcount)."""


class RuleBroken(DomainError):
    """The command breaks a regional internship rule from the rules table."""


class NotYourIntern(DomainError):
    """A company tutor acted on an intern of another host."""


def day_it(day: date) -> str:
    """A day as an Italian reader writes it: 17/04/2026."""
    return day.strftime("%d/%m/%Y")


def month_it(month: str) -> str:
    """A month ("2026-04") in Italian words: aprile 2026 (the text itself when it is not such a month)."""
    year, _, number = month.partition("-")
    if not (year.isdigit() and number.isdigit() and 1 <= int(number) <= 12):
        return month
    return f"{MONTHS_IT[int(number) - 1]} {year}"
