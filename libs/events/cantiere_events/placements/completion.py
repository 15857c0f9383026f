"""Completion and follow-up (phases 6 and 7): outcomes, attestations, follow-ups and the closed case."""

from __future__ import annotations

from datetime import date

from pydantic import Field, model_validator

from cantiere_events.codes import ClosureReason, ContractType, FollowUpMonth, Outcome
from cantiere_events.placements.base import InternshipEvent, PlacementsEvent
from cantiere_events.values import DistrictCode, EscoConcept, HostId, MunicipalityCode, ProgrammeCode, SectorCode


class InternshipCompleted(InternshipEvent):
    """An internship reached its end, with the outcome and, if hired, the contract type (placements)."""

    event_type = "InternshipCompleted"
    host_id: HostId
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    site_municipality: MunicipalityCode
    sector_code: SectorCode
    outcome: Outcome
    contract_type: ContractType | None = None
    completed_on: date

    @model_validator(mode="after")
    def _contract_type_only_when_hired(self) -> InternshipCompleted:
        if (self.outcome is Outcome.HIRED) != (self.contract_type is not None):
            raise ValueError("contract_type is given when, and only when, the outcome is hired")
        return self


class CompetenceAttestationIssued(InternshipEvent):
    """The competences acquired during an internship were attested (placements)."""

    event_type = "CompetenceAttestationIssued"
    competence_codes: tuple[ProgrammeCode, ...] = Field(default=(), max_length=100)
    esco_skills: tuple[EscoConcept, ...] = Field(default=(), max_length=100)
    issued_on: date


class FollowUpRecorded(InternshipEvent):
    """The person's employment 3, 6 or 12 months after the internship (placements)."""

    event_type = "FollowUpRecorded"
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    month: FollowUpMonth
    employed: bool
    contract_type: ContractType | None = None  # None when employed but not known
    same_host: bool | None = None  # None when not employed or not known
    recorded_on: date

    @model_validator(mode="after")
    def _job_details_only_when_employed(self) -> FollowUpRecorded:
        if not self.employed and (self.contract_type is not None or self.same_host is not None):
            raise ValueError("contract_type and same_host are given only when the person is employed")
        return self


class CaseClosed(PlacementsEvent):
    """The consortium closed a person's case: no more follow-ups (placements)."""

    event_type = "CaseClosed"
    municipality: MunicipalityCode
    district: DistrictCode | None = None
    reason: ClosureReason
    closed_on: date
