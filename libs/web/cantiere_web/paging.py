"""Long lists in pages: one page of rows at a time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
PAGE_SIZE = 25


@dataclass(frozen=True)
class Page(Generic[T]):
    """The rows of one page, its number (from 1), how many pages and rows there are."""

    items: Sequence[T]
    number: int
    pages: int
    total: int


def paginate(rows: Sequence[T], number: int | None, size: int = PAGE_SIZE) -> Page[T]:
    """The page asked for, kept within the pages that exist."""
    pages = max(1, -(-len(rows) // size))
    current = min(max(1, number or 1), pages)
    start = (current - 1) * size
    return Page(rows[start : start + size], current, pages, len(rows))
