"""Hypothesis strategies for count tables: many small counts, some zeros, some large ones."""

from __future__ import annotations

from hypothesis import strategies as st

# Small counts are what suppression is about, so they come up as often as large ones.
counts = st.one_of(st.integers(0, 6), st.integers(0, 50))
thresholds = st.sampled_from([2, 3, 5, 10])


@st.composite
def series(draw: st.DrawFn, max_size: int = 8, values: st.SearchStrategy[int] = counts) -> dict[str, int]:
    """An ordered mapping of area -> count."""
    size = draw(st.integers(0, max_size))
    return {f"area{i}": draw(values) for i in range(size)}


@st.composite
def grids(
    draw: st.DrawFn, max_rows: int = 8, max_cols: int = 8, values: st.SearchStrategy[int] = counts
) -> dict[str, dict[str, int]]:
    """A month x municipality table of counts."""
    rows, cols = draw(st.integers(1, max_rows)), draw(st.integers(1, max_cols))
    return {f"2009-{i + 1:02d}": {f"town{j}": draw(values) for j in range(cols)} for i in range(rows)}
