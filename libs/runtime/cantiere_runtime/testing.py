"""Specification helpers for deciders: ``given(...).when(...).then(...)`` or ``.raises(...)``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cantiere_runtime.decider import Decider

S = TypeVar("S")
C = TypeVar("C")
E = TypeVar("E")


@dataclass(frozen=True)
class _When(Generic[C, S, E]):
    decider: Decider[C, S, E]
    history: Sequence[E]
    command: C
    context: dict[str, Any] = field(default_factory=dict)

    def _run(self) -> list[E]:
        return self.decider.run(self.history, self.command, **self.context)

    def then(self, *expected: E) -> list[E]:
        """Assert the command produces exactly these events, in this order."""
        produced = self._run()
        assert produced == list(expected), f"\nexpected: {list(expected)!r}\nproduced: {produced!r}"
        return produced

    def then_state(self) -> S:
        """The state after the history and the events the command produced (for assertions on state)."""
        produced = self._run()
        return self.decider.fold([*self.history, *produced])

    def raises(self, error: type[BaseException], match: str | None = None) -> BaseException:
        """Assert the command is refused with this error (and, if given, a message matching ``match``)."""
        try:
            produced = self._run()
        except error as exc:
            if match is not None:
                assert re.search(match, str(exc)), f"{str(exc)!r} does not match {match!r}"
            return exc
        raise AssertionError(f"expected {error.__name__}, but the command produced {produced!r}")


@dataclass(frozen=True)
class _Given(Generic[C, S, E]):
    decider: Decider[C, S, E]
    history: Sequence[E]

    def when(self, command: C, **context: Any) -> _When[C, S, E]:
        """The command under test, with its context (``now=...``, ``rules=...``)."""
        return _When(self.decider, self.history, command, context)


@dataclass(frozen=True)
class DeciderSpec(Generic[C, S, E]):
    """Entry point: ``spec = DeciderSpec(decider); spec.given(e1, e2).when(cmd, now=t).then(e3)``."""

    decider: Decider[C, S, E]

    def given(self, *history: E) -> _Given[C, S, E]:
        """The events that already happened."""
        return _Given(self.decider, history)
