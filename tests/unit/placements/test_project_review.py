"""The employment centre returns a training project with a reason; the consortium corrects and resubmits it,
and only the resubmitted project can be validated."""

from __future__ import annotations

from dataclasses import replace

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.agreement import ApproveTrainingProject, StartInternship, ValidateTrainingProject
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.domain.placement_events import ProjectReturnReason
from cantiere_placements.domain.project_review import ReturnTrainingProject
from cantiere_runtime.testing import DeciderSpec

from .factories import PILOT, TODAY, uid
from .journey import APPROVED, END, READY, SIGNED, START, project, started

spec = DeciderSpec(placement_decider)
HOURS = ProjectReturnReason.HOURS_OR_SCHEDULE
send_back = ReturnTrainingProject(HOURS, "  Ridurre le ore\nsettimanali a 15.  ")
returned = ev.TrainingProjectReturned(reason=HOURS, explanation="Ridurre le ore settimanali a 15.", returned_on=TODAY)
corrected = ApproveTrainingProject(("kitchen.basic",), uid(20), uid(21), 15, START, END, 45_000)
resubmitted = project.model_copy(update={"hours_per_week": 15})


def test_the_employment_centre_returns_a_project_waiting_for_validation_with_its_reason() -> None:
    spec.given(*APPROVED).when(send_back, today=TODAY).then(returned)


def test_a_returned_project_cannot_be_validated_until_the_consortium_resubmits_it() -> None:
    spec.given(*APPROVED, returned).when(ValidateTrainingProject(), today=TODAY).raises(WrongState, "returned")


def test_a_returned_project_is_corrected_resubmitted_and_then_validated() -> None:
    spec.given(*APPROVED, returned).when(corrected, today=TODAY, rules=PILOT, host_tutors=(uid(21),)).then(resubmitted)
    state = spec.given(*APPROVED, returned, resubmitted).when(ValidateTrainingProject(), today=TODAY).then_state()
    assert state is not None and state.validated_on == TODAY and state.returned is None
    assert state.project is not None and state.project.hours_per_week == 15


def test_a_project_is_returned_once_until_it_is_resubmitted_and_again_after() -> None:
    spec.given(*APPROVED, returned).when(send_back, today=TODAY).raises(WrongState, "already returned")
    spec.given(*APPROVED, returned, resubmitted).when(send_back, today=TODAY).then(returned)


def test_only_a_project_waiting_for_validation_can_be_returned() -> None:
    spec.given(*SIGNED).when(send_back, today=TODAY).raises(WrongState, "waiting for validation")
    validated = ev.TrainingProjectValidated(validated_on=TODAY)
    spec.given(*APPROVED, validated).when(send_back, today=TODAY).raises(WrongState, "already validated")
    spec.given(*READY, started).when(send_back, today=TODAY).raises(WrongState)


def test_a_return_says_what_to_correct() -> None:
    spec.given(*APPROVED).when(replace(send_back, explanation=" \n "), today=TODAY).raises(WrongState, "correct")


def test_the_internship_cannot_start_on_a_returned_project() -> None:
    spec.given(*APPROVED, returned).when(StartInternship(START), today=START).raises(WrongState, "validated")
