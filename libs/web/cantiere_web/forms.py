"""Forms that work without JavaScript: what the user typed, and an error in plain words next to each field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from cantiere_web.i18n import N_, gettext

# pydantic's error types, in words a social worker understands (message ids in Italian).
PROBLEMS = {
    "missing": N_("Campo obbligatorio."),
    "string_too_short": N_("Campo obbligatorio."),
    "string_too_long": N_("Il testo è troppo lungo."),
    "string_pattern_mismatch": N_("Il formato non è quello atteso."),
    "date_from_datetime_parsing": N_("Data non valida: usa il formato gg/mm/aaaa."),
    "date_parsing": N_("Data non valida: usa il formato gg/mm/aaaa."),
    "date_type": N_("Data non valida: usa il formato gg/mm/aaaa."),
    "time_parsing": N_("Ora non valida: usa il formato hh:mm."),
    "enum": N_("Scegli una delle voci proposte."),
    "literal_error": N_("Scegli una delle voci proposte."),
    "int_parsing": N_("Scrivi un numero intero."),
    "int_type": N_("Scrivi un numero intero."),
    "greater_than_equal": N_("Il numero è troppo piccolo."),
    "less_than_equal": N_("Il numero è troppo grande."),
    "too_long": N_("Ci sono troppe voci."),
}
INVALID = N_("Valore non valido.")


@dataclass
class Form:
    """A form's values as typed (to show them again) and its errors by field name."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: FormData, *, lists: tuple[str, ...] = ()) -> Form:
        """The submitted values; the fields named in ``lists`` keep every value (checkboxes, multiple selects)."""
        values: dict[str, Any] = {}
        for key in data:
            values[key] = data.getlist(key) if key in lists else data.get(key)
        for key in lists:
            values.setdefault(key, [])
        return cls(values=values)

    def value(self, name: str, default: Any = "") -> Any:
        """What the user typed in a field (or the default)."""
        found = self.values.get(name)
        return default if found is None else found

    def text(self, name: str) -> str | None:
        """A text field, trimmed; None when left empty."""
        raw = self.values.get(name)
        if not isinstance(raw, str):
            return None
        return raw.strip() or None

    def lines(self, name: str) -> list[str]:
        """A text area with one entry per line (or separated by commas), empty lines dropped."""
        raw = self.values.get(name) or ""
        return [part.strip() for line in str(raw).splitlines() for part in line.split(",") if part.strip()]

    def add_error(self, name: str, message: str) -> None:
        """Put a message next to a field (the first one wins: one problem at a time is easier to fix)."""
        self.errors.setdefault(name, message)

    def add_validation_errors(self, error: ValidationError, fields: dict[str, str] | None = None) -> None:
        """pydantic's problems next to the fields they concern; ``fields`` maps a model field to a form field."""
        for problem in error.errors():
            location = [str(p) for p in problem["loc"]]
            name = location[0] if location else "__all__"
            name = (fields or {}).get(name, name)
            message = PROBLEMS.get(problem["type"])
            if message is None and problem["type"] == "value_error":
                message = INVALID
            self.add_error(name, gettext(message or INVALID))

    @property
    def valid(self) -> bool:
        return not self.errors
