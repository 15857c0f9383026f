"""The employment centre's review of a training project: it may return it for correction, with a reason.

A returned project waits for the consortium: approving the corrected project (``ApproveTrainingProject``)
resubmits it, and only then can the centre validate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cantiere_placements.domain import events as ev
from cantiere_placements.domain.errors import WrongState
from cantiere_placements.domain.placement_events import ProjectReturnReason
from cantiere_placements.domain.placement_state import Placement


@dataclass(frozen=True)
class ReturnTrainingProject:
    """The employment centre returns the training project to the consortium for correction."""

    reason: ProjectReturnReason
    explanation: str


def return_project(command: ReturnTrainingProject, state: Placement, *, today: date) -> ev.TrainingProjectReturned:
    """The return of a project waiting for validation; the explanation says what to correct."""
    if state.project is None or state.status != "agreed" or state.started_on is not None:
        raise WrongState(
            "Non c'è un progetto formativo approvato in attesa di convalida.",
            "There is no approved training project waiting for validation.",
        )
    if state.validated_on is not None:
        raise WrongState(
            "Il progetto formativo è già convalidato: non si può più restituire.",
            "The training project is already validated: it can no longer be returned.",
        )
    if state.returned is not None:
        raise WrongState(
            "Il progetto formativo è già stato restituito: il consorzio non l'ha ancora ripresentato.",
            "The training project was already returned: the consortium has not resubmitted it yet.",
        )
    explanation = " ".join(command.explanation.split())
    if not explanation:
        raise WrongState(
            "Indica che cosa il consorzio deve correggere nel progetto formativo.",
            "Say what the consortium must correct in the training project.",
        )
    return ev.TrainingProjectReturned(reason=command.reason, explanation=explanation[:500], returned_on=today)
