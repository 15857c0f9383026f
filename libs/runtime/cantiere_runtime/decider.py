"""The decider pattern: pure ``decide(command, state, **context) -> events`` and ``evolve(state, event) -> state``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E")


@dataclass(frozen=True)
class Decider(Generic[C, S, E]):
    """An aggregate's behaviour as two pure functions and a starting state (no I/O, no clock)."""

    decide: Callable[..., Sequence[E]]
    evolve: Callable[[S, E], S]
    initial_state: S

    def fold(self, events: Iterable[E], state: S | None = None) -> S:
        """The state after applying every event, in order, to ``state`` (the initial one by default)."""
        current = self.initial_state if state is None else state
        for event in events:
            current = self.evolve(current, event)
        return current

    def run(self, events: Iterable[E], command: C, **context: Any) -> list[E]:
        """Fold the history, then decide the command: what the command would produce."""
        return list(self.decide(command, self.fold(events), **context))
