"""The placement decider: one aggregate from proposal to closed case (phases 3 to 7)."""

from __future__ import annotations

from datetime import date
from typing import TypeAlias

from cantiere_events import Event
from cantiere_runtime.decider import Decider
from cantiere_runtime.rules import RuleSet

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.agreement import (
    AGREEMENT_COMMANDS,
    FileMandatoryNotice,
    OpenPlacement,
    decide_agreement,
    file_notice,
)
from cantiere_placements.domain.agreement import Command as AgreementCommand
from cantiere_placements.domain.errors import NotFound, WrongState
from cantiere_placements.domain.placement_state import Placement, evolve
from cantiere_placements.domain.project_review import ReturnTrainingProject, return_project
from cantiere_placements.domain.running import Command as RunningCommand
from cantiere_placements.domain.running import decide_running

Command: TypeAlias = AgreementCommand | ReturnTrainingProject | RunningCommand
FOLLOW_UP_MONTHS = (3, 6, 12)


def decide(
    command: Command,
    state: Placement | None,
    *,
    today: date,
    rules: RuleSet | None = None,
    host_tutors: tuple[str, ...] | None = None,
    follow_up_months: tuple[int, ...] = FOLLOW_UP_MONTHS,
) -> list[Event]:
    """The events a command on a placement produces, or a DomainError."""
    if isinstance(command, OpenPlacement):
        if state is not None:
            raise WrongState(
                "Esiste già un inserimento con questo codice.", "A placement is already open with this id."
            )
        return [
            ev.PlacementProposed(
                placement_id=command.placement_id,
                person_id=command.person_id,
                referral_id=command.referral_id,
                municipality=command.municipality,
                host_id=command.host_id,
                hours_per_week=command.hours_per_week,
                proposed_on=today,
            )
        ]
    if state is None:
        raise NotFound("Questo inserimento non esiste.", "There is no such placement.")
    if state.status == "closed":
        raise WrongState("Il caso è chiuso.", "The case is closed.")
    if isinstance(command, FileMandatoryNotice):
        return [file_notice(command, state, today=today)]
    if isinstance(command, ReturnTrainingProject):
        if state.status == "rejected":
            raise WrongState("La proposta è stata rifiutata.", "The proposal was turned down.")
        return [return_project(command, state, today=today)]
    if isinstance(command, AGREEMENT_COMMANDS):
        if state.status == "rejected":
            raise WrongState("La proposta è stata rifiutata.", "The proposal was turned down.")
        if state.started_on is not None:
            raise WrongState("Il tirocinio è già iniziato.", "The internship has already started.")
        return decide_agreement(command, state, today=today, rules=rules, host_tutors=host_tutors)
    return decide_running(command, state, today=today, rules=rules, follow_up_months=follow_up_months)


placement_decider: Decider[Command, Placement | None, Event] = Decider(decide=decide, evolve=evolve, initial_state=None)
