"""One placement's facts as the documents read them: the aggregate folded from its own events, the host's and the
candidate's rows of the read models, and the territory's names; each document's data built from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cantiere_runtime.errors import NotFound
from cantiere_runtime.rules import RuleSet, rule_set
from cantiere_runtime.territory import Territory

from cantiere_placements.documents import data as d
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.placement_state import Placement


@dataclass(frozen=True)
class PlacementFacts:
    """One placement's facts, as the documents read them."""

    state: Placement
    events: list[Any]
    host: dict[str, Any]
    person: dict[str, Any]
    consents: set[str]
    territory: Territory

    def _name(self, code: str) -> str:
        return next((m.name for m in self.territory.municipalities if m.code == code), code)

    @property
    def parties(self) -> d.Parties:
        partners = self.territory.partners
        return d.Parties(
            promoter=partners.consortium.name,
            host_name=self.host.get("company_name"),  # kept by the host registry (not its site address)
            host_vat_number=self.host["vat_number"],
            host_site=self._name(self.host["site_municipality"]),
            host_sector=self.host["sector_code"],
            referring_municipality=f"Comune di {self._name(self.state.municipality)}",
            employment_centre=partners.employment_centre.name,
        )

    @property
    def rules(self) -> d.Rules:
        found: RuleSet = (
            rule_set(self.state.project.rule_set_id)
            if self.state.project
            else self.territory.rule_set_on(self.state.agreement_signed_on or self.state.proposed_on)
        )
        return d.Rules(
            id=found.id,
            legal_reference=found.legal_reference,
            region=found.region,
            max_hours_per_week=found.max_hours_per_week,
            min_monthly_allowance_cents=found.min_monthly_allowance_cents[0].cents,
            attendance_threshold_percent=found.attendance_threshold_percent,
            max_duration_months=found.max_duration_months_inclusion,
            unverified=tuple(sorted(found.unverified_fields)),
        )

    @property
    def attestation(self) -> ev.CompetenceAttestationIssued | None:
        return next((e for e in reversed(self.events) if isinstance(e, ev.CompetenceAttestationIssued)), None)

    def months(self) -> list[str]:
        return sorted(self.state.attendance)

    def agreement(self, today: date) -> d.AgreementDocument:
        s = self.state
        if s.agreement_id is None or s.agreement_signed_on is None:
            raise NotFound("La convenzione non è ancora firmata.", "The agreement is not signed yet.")
        signed = s.agreement_signed_on
        return d.AgreementDocument(s.placement_id, s.agreement_id, signed, self.parties, self.rules, today)

    def project(self, intern: d.Intern, today: date) -> d.ProjectDocument:
        s, p = self.state, self.state.project
        if p is None or s.agreement_id is None or s.agreement_signed_on is None:
            raise NotFound("Il progetto formativo non è ancora approvato.", "The training project is not approved yet.")
        returns = tuple(
            d.Return(str(e.reason), e.explanation, e.returned_on)
            for e in self.events
            if isinstance(e, ev.TrainingProjectReturned)
        )
        notices = tuple(
            d.Notice(str(e.kind), e.reference_number, e.filed_on)
            for e in self.events
            if isinstance(e, ev.MandatoryNoticeFiled)
        )
        pending = s.returned
        return d.ProjectDocument(
            placement_id=s.placement_id,
            agreement_id=s.agreement_id,
            agreement_signed_on=s.agreement_signed_on,
            parties=self.parties,
            rules=self.rules,
            intern=intern,
            objectives=tuple(p.objectives),
            promoter_tutor_id=p.promoter_tutor_id,
            host_tutor_id=p.host_tutor_id,
            hours_per_week=p.hours_per_week,
            starts_on=p.starts_on,
            ends_on=s.ends_on or p.ends_on,
            monthly_allowance_cents=p.monthly_allowance_cents,
            validated_on=s.validated_on,
            pending_return=d.Return(str(pending.reason), pending.explanation, pending.returned_on) if pending else None,
            returns=returns,
            notices=notices,
            issued_on=today,
        )

    def register(self, intern: d.Intern, month: str, today: date) -> d.RegisterDocument:
        s = self.state
        planned, attended = s.attendance[month]
        paid = next((e.paid_on for e in self.events if isinstance(e, ev.AllowancePaid) and e.month == month), None)
        return d.RegisterDocument(
            placement_id=s.placement_id,
            parties=self.parties,
            rules=self.rules,
            intern=intern,
            month=month,
            hours_per_week=s.project.hours_per_week if s.project else s.hours_per_week,
            planned_hours=planned,
            attended_hours=attended,
            allowance_cents=s.allowances.get(month),
            paid_on=paid,
            issued_on=today,
        )

    def attested(self, intern: d.Intern, today: date) -> d.AttestationDocument:
        s, issued = self.state, self.attestation
        if issued is None or s.started_on is None:
            raise NotFound("Le competenze non sono ancora attestate.", "The competences are not attested yet.")
        return d.AttestationDocument(
            placement_id=s.placement_id,
            parties=self.parties,
            rules=self.rules,
            intern=intern,
            started_on=s.started_on,
            ended_on=s.ended_on,
            attended_hours=sum((a for _, a in s.attendance.values()), Decimal(0)),
            objectives=tuple(s.project.objectives) if s.project else (),
            competences=tuple(issued.competences),
            esco_skills=tuple(issued.esco_skills),
            issued_on=issued.issued_on,
        )
