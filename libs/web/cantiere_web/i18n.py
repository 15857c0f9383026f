"""Italian first, English available: a request's language, gettext catalogues, dates and numbers as people read them.

Message ids are the Italian text itself, so Italian needs no catalogue and a missing English
translation falls back to Italian. The English catalogues are ``.po`` files (one for the shared
layout, one per service), compiled in memory when the pages start: no build step, no stale ``.mo``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

LOCALES = ("it", "en")
DEFAULT_LOCALE = "it"
LANGUAGE_COOKIE = "lingua"  # holds "it" or "en" only: no personal data
ROME = ZoneInfo("Europe/Rome")
LANGUAGE_NAMES = {"it": "Italiano", "en": "English"}

current_locale: ContextVar[str] = ContextVar("cantiere_locale", default=DEFAULT_LOCALE)


def N_(message: str) -> str:
    """Mark a message for translation where it is defined; it is translated where it is shown."""
    return message


def chosen_locale(cookie: str | None) -> str:
    """The language a request asked for through the switch in the header; Italian otherwise."""
    return cookie if cookie in LOCALES else DEFAULT_LOCALE


def _compiled(po_file: Path, locale: str) -> Translations:
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer)


class Catalogues:
    """The translations of every language, merged from the shared catalogue and the service's own."""

    def __init__(self, locale_dirs: Iterable[Path]) -> None:
        self._by_locale: dict[str, NullTranslations] = {}
        for locale in LOCALES:
            merged: Translations | None = None
            for folder in locale_dirs:
                po_file = folder / locale / "LC_MESSAGES" / "messages.po"
                if not po_file.exists():
                    continue
                found = _compiled(po_file, locale)
                merged = found if merged is None else merged.merge(found)
            self._by_locale[locale] = merged if merged is not None else NullTranslations()

    def translations(self, locale: str | None = None) -> NullTranslations:
        """The translations of a language (the request's by default)."""
        return self._by_locale[locale or current_locale.get()]


_catalogues: Catalogues = Catalogues(())
# The catalogues of the app serving the request: several services may run in one process (tests, embedded).
current_catalogues: ContextVar[Catalogues | None] = ContextVar("cantiere_catalogues", default=None)


def use_catalogues(catalogues: Catalogues) -> None:
    """Install the catalogues read outside a request (a request reads its own app's: ``current_catalogues``)."""
    global _catalogues
    _catalogues = catalogues


def _current() -> Catalogues:
    return current_catalogues.get() or _catalogues


def gettext(message: str) -> str:
    """The message in the request's language."""
    return _current().translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message in the request's language."""
    return _current().translations().ngettext(singular, plural, n)


def text(message_it: str, message_en: str) -> str:
    """One of two ready texts (the domain's errors carry both) in the request's language."""
    return message_en if current_locale.get() == "en" else message_it


def show_date(value: date | datetime | str | None) -> str:
    """A date as people read it here: 17/04/2026 in Italian, Apr 17, 2026 in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(ROME).date() if value.tzinfo else value.date()
    return format_date(
        value, format="dd/MM/yyyy" if current_locale.get() == "it" else "medium", locale=current_locale.get()
    )


def show_datetime(value: datetime | str | None) -> str:
    """A moment in Europe/Rome time: 17/04/2026, 09:30."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # stored in UTC without an offset by SQLite
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    pattern = "dd/MM/yyyy, HH:mm" if current_locale.get() == "it" else "MMM d, yyyy, HH:mm"
    return format_datetime(value, pattern, tzinfo=ROME, locale=current_locale.get())


def show_number(value: int | float | Decimal | None, digits: int = 0) -> str:
    """A number with the language's separators: 1.234,5 in Italian."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=current_locale.get())
