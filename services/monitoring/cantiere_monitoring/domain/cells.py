"""One published cell of a count table: either the count, or a marker saying why it is withheld."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

Lang = Literal["en", "it"]
DEFAULT_THRESHOLD = 5

Bounds = tuple[int, int | None]
"""What a reader can infer about a cell: lowest and highest possible count (None: no upper limit)."""


class Suppression(StrEnum):
    """Why a count is withheld; the label tells the reader, so the audit assumes the reader knows it."""

    SMALL = "small"  # the count is below the threshold (0 to threshold-1)
    COMPLEMENTARY = "complementary"  # the count is at least the threshold; hidden so small ones can't be derived
    WITHHELD = "withheld"  # the whole table is withheld: the label says nothing about the count


_LABELS: dict[tuple[Lang, Suppression], str] = {
    ("en", Suppression.SMALL): "fewer than {t}",
    ("it", Suppression.SMALL): "meno di {t}",
    ("en", Suppression.COMPLEMENTARY): "not shown ({t} or more)",
    ("it", Suppression.COMPLEMENTARY): "non mostrato ({t} o più)",
    ("en", Suppression.WITHHELD): "withheld",
    ("it", Suppression.WITHHELD): "riservato",
}
TOTAL_LABEL: dict[Lang, str] = {"en": "Total", "it": "Totale"}


def check_threshold(threshold: int) -> int:
    """Return the threshold, refusing values that would protect nothing."""
    # Below 2 "fewer than t" could only mean 0, so a hidden cell would be as good as shown.
    if threshold < 2:
        raise ValueError(f"the small-cell threshold must be at least 2, not {threshold}")
    return threshold


def suppression_for(count: int, threshold: int) -> Suppression:
    """The truthful label for withholding `count`: small below the threshold, complementary otherwise."""
    # A withheld zero is labelled "fewer than t": true, and it keeps readers from telling zeros apart.
    return Suppression.SMALL if count < threshold else Suppression.COMPLEMENTARY


def label_bounds(suppression: Suppression, threshold: int) -> Bounds:
    """What a reader infers about a withheld count from its label alone."""
    if suppression is Suppression.SMALL:
        return (0, threshold - 1)
    return (threshold, None) if suppression is Suppression.COMPLEMENTARY else (0, None)


def label(suppression: Suppression, threshold: int, lang: Lang = "en") -> str:
    """The reader-facing text for a withheld count, e.g. "fewer than 5" / "meno di 5"."""
    return _LABELS[(lang, suppression)].format(t=threshold)


class Cell(BaseModel):
    """A published count, or the reason it is withheld; a withheld cell never carries its count."""

    model_config = ConfigDict(frozen=True)

    threshold: int = DEFAULT_THRESHOLD
    value: int | None = None
    suppression: Suppression | None = None

    @model_validator(mode="after")
    def _either_value_or_suppression(self) -> Cell:
        if (self.value is None) == (self.suppression is None):
            raise ValueError("a cell is either shown (value) or suppressed (suppression), not both or neither")
        if self.value is not None and self.value < 0:
            raise ValueError("a count cannot be negative")
        return self

    @classmethod
    def shown(cls, value: int, threshold: int = DEFAULT_THRESHOLD) -> Cell:
        """A cell that shows its count."""
        return cls(threshold=threshold, value=value)

    @classmethod
    def hidden(cls, suppression: Suppression, threshold: int = DEFAULT_THRESHOLD) -> Cell:
        """A cell that withholds its count."""
        return cls(threshold=threshold, suppression=suppression)

    @property
    def suppressed(self) -> bool:
        """True when the count is withheld."""
        return self.suppression is not None

    def text(self, lang: Lang = "en") -> str:
        """The count as a string, or the withheld marker in the given language."""
        if self.suppression is not None:
            return label(self.suppression, self.threshold, lang)
        return str(self.value)

    def to_dict(self, lang: Lang = "en") -> dict[str, object]:
        """JSON-friendly form: {"value": 7} or {"suppressed": true, "reason": ..., "label": ...}."""
        if self.suppression is None:
            return {"value": self.value}
        return {"suppressed": True, "reason": self.suppression.value, "label": self.text(lang)}

    def bounds(self) -> Bounds:
        """What a reader learns about the count from this cell alone."""
        if self.suppression is None:
            return (self.value or 0, self.value or 0)
        return label_bounds(self.suppression, self.threshold)
