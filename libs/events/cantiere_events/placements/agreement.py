"""Agreement (phase 4): the convenzione, the training project and the mandatory notices."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from cantiere_events.codes import NoticeKind
from cantiere_events.placements.base import InternshipEvent
from cantiere_events.values import (
    AgreementId,
    Cents,
    HostId,
    PlacementId,
    ProgrammeCode,
    ReferenceNumber,
    TutorId,
    WeeklyHours,
)


class AgreementSigned(InternshipEvent):  # convenzione di tirocinio
    """The promoter and the host signed the internship agreement (convenzione); the internship exists (placements)."""

    event_type = "AgreementSigned"
    agreement_id: AgreementId
    placement_id: PlacementId
    host_id: HostId
    signed_on: date


class TrainingProjectApproved(InternshipEvent):  # progetto formativo individuale
    """The individual training project was approved: objectives, tutors, hours, dates, allowance (placements)."""

    event_type = "TrainingProjectApproved"
    objective_codes: tuple[ProgrammeCode, ...] = Field(min_length=1, max_length=50)
    promoter_tutor_id: TutorId
    host_tutor_id: TutorId
    hours_per_week: WeeklyHours
    starts_on: date
    ends_on: date
    monthly_allowance_cents: Cents
    approved_on: date

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> TrainingProjectApproved:
        if self.ends_on <= self.starts_on:
            raise ValueError("a training project must end after it starts")
        return self


class TrainingProjectValidated(InternshipEvent):
    """The employment centre validated the training project (placements, on the employment officer's action)."""

    event_type = "TrainingProjectValidated"
    validated_on: date


class MandatoryNoticeFiled(InternshipEvent):  # comunicazione obbligatoria
    """A mandatory notice of start, extension or end was filed, with its protocol number (placements)."""

    event_type = "MandatoryNoticeFiled"
    kind: NoticeKind
    reference_number: ReferenceNumber
    filed_on: date
