"""The given/when/then helper proves and refutes what a decider does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from cantiere_runtime.decider import Decider
from cantiere_runtime.testing import DeciderSpec


@dataclass(frozen=True)
class Opened:
    by: str


@dataclass(frozen=True)
class Open:
    by: str


class AlreadyOpen(Exception):
    pass


def decide(command: Open, state: bool, *, now: int) -> list[Opened]:
    if state:
        raise AlreadyOpen(f"already open at {now}")
    return [Opened(command.by)]


def evolve(state: bool, event: Opened) -> bool:
    return True


spec = DeciderSpec(Decider(decide=decide, evolve=evolve, initial_state=False))


def test_then_passes_when_the_command_produces_exactly_the_expected_events() -> None:
    spec.given().when(Open("ada"), now=1).then(Opened("ada"))


def test_then_fails_when_the_events_differ() -> None:
    with pytest.raises(AssertionError, match="expected"):
        spec.given().when(Open("ada"), now=1).then(Opened("bob"))


def test_raises_passes_on_the_expected_refusal_and_checks_its_message() -> None:
    spec.given(Opened("ada")).when(Open("bob"), now=7).raises(AlreadyOpen, match="at 7")


def test_raises_fails_when_the_command_is_accepted() -> None:
    with pytest.raises(AssertionError, match="expected AlreadyOpen"):
        spec.given().when(Open("bob"), now=7).raises(AlreadyOpen)


def test_then_state_folds_history_and_new_events() -> None:
    assert spec.given().when(Open("ada"), now=1).then_state() is True
