"""The internship's documents for whoever may have them: the facts gathered, the person named as little as possible.

The placement's facts come from its own event stream (agreement, project, returns, notices, months,
attestation: the read model keeps only where a case stands), the host's and the candidate's from the read
models, the first name from the vault (an audited read, only when the person consents to minimal data going
to the host). The renderers in ``cantiere_placements.documents`` turn the data into PDF bytes.

Who may have what: the placement team every document; a company tutor the documents of its own host's
internships; the employment centre the training project, only while the person consents to sharing with it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cantiere_events.codes import ConsentScope
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden, NotFound
from cantiere_runtime.rules import RuleSet, rule_set
from cantiere_runtime.store import EventStore
from cantiere_runtime.territory import Territory
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cantiere_placements.adapters.tables import candidates, hosts
from cantiere_placements.adapters.vault import FirstNameVault, Reader
from cantiere_placements.documents import data as d
from cantiere_placements.documents import render
from cantiere_placements.domain import events as ev
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.service_layer.unit import ROME, placement_stream

STAFF = (Role.PLACEMENT_OPERATOR, Role.PLACEMENT_COORDINATOR)


class Kind(StrEnum):
    """The four documents, by the Italian name of their file."""

    AGREEMENT = "convenzione"
    PROJECT = "progetto-formativo"
    REGISTER = "registro-presenze"
    ATTESTATION = "attestazione-competenze"


@dataclass(frozen=True)
class Available:
    """A document that can be downloaded now: its kind, the month (registers only), its file name."""

    kind: Kind
    month: str | None
    filename: str


@dataclass
class PlacementDocuments:
    """Gathers each document's data for a caller and renders it."""

    store: EventStore
    engine: AsyncEngine
    vault: FirstNameVault
    territory: Territory

    async def available(self, placement_id: str, who: Principal) -> list[Available]:
        """The documents this caller may download for a placement, in the order they come to exist."""
        facts = await self._facts(placement_id, who)
        state = facts.state
        kinds = [Kind.AGREEMENT] if state.agreement_id else []
        kinds += [Kind.PROJECT] if state.project else []
        found = [Available(k, None, _filename(k, placement_id)) for k in kinds if _may(who, k)]
        if _may(who, Kind.REGISTER):
            found += [Available(Kind.REGISTER, m, _filename(Kind.REGISTER, placement_id, m)) for m in facts.months()]
        if facts.attestation and _may(who, Kind.ATTESTATION):
            found.append(Available(Kind.ATTESTATION, None, _filename(Kind.ATTESTATION, placement_id)))
        return found

    async def pdf(
        self, placement_id: str, kind: Kind, who: Principal, now: datetime, month: str | None = None
    ) -> tuple[str, bytes]:
        """A document's file name and PDF bytes, or Forbidden / NotFound."""
        if not _may(who, kind):
            raise Forbidden(
                "Il tuo ruolo non consente di scaricare questo documento.", "Your role may not download this document."
            )
        facts = await self._facts(placement_id, who)
        today = now.astimezone(ROME).date()
        if kind is Kind.REGISTER and (month is None or month not in facts.months()):
            raise NotFound("Questo mese non è ancora stato chiuso.", "This month has not been closed yet.")
        if (kind is Kind.PROJECT and facts.state.project is None) or (
            kind is Kind.ATTESTATION and facts.attestation is None
        ):
            raise NotFound("Il documento non esiste ancora.", "The document does not exist yet.")
        if kind is Kind.AGREEMENT:
            pdf = await asyncio.to_thread(render.agreement_pdf, facts.agreement(today))
            return _filename(kind, placement_id), pdf
        intern = await self._intern(facts, who, now, kind)
        if kind is Kind.PROJECT:
            pdf = await asyncio.to_thread(render.project_pdf, facts.project(intern, today))
        elif kind is Kind.REGISTER:
            pdf = await asyncio.to_thread(render.register_pdf, facts.register(intern, str(month), today))
        else:
            pdf = await asyncio.to_thread(render.attestation_pdf, facts.attested(intern, today))
        return _filename(kind, placement_id, month), pdf

    async def project(self, placement_id: str, who: Principal, now: datetime) -> d.ProjectDocument:
        """The training project's data, for the page that shows it in full."""
        if not _may(who, Kind.PROJECT):
            raise Forbidden("Il tuo ruolo non consente questa pagina.", "Your role does not allow this page.")
        facts = await self._facts(placement_id, who)
        return facts.project(await self._intern(facts, who, now, Kind.PROJECT), now.astimezone(ROME).date())

    async def _facts(self, placement_id: str, who: Principal) -> _Facts:
        loaded = await self.store.load(placement_stream(placement_id))
        events = [r.event for r in loaded.events]
        state: Placement | None = placement_decider.fold(events)
        if state is None:
            raise NotFound("Tirocinio non trovato.", "No such internship.")
        if who.role is Role.COMPANY_TUTOR and who.host_id != state.host_id:
            raise Forbidden(
                "Puoi vedere solo i documenti dei tirocini della tua azienda.",
                "You see only the documents of your own host's internships.",
            )
        async with self.engine.connect() as conn:
            host = (await conn.execute(select(hosts).where(hosts.c.host_id == state.host_id))).mappings().first()
            person = (
                (await conn.execute(select(candidates).where(candidates.c.person_id == state.person_id)))
                .mappings()
                .first()
            )
        if host is None or person is None:
            raise NotFound("Tirocinio non trovato.", "No such internship.")
        consents = set(person["consents"] or [])
        if who.role is Role.EMPLOYMENT_OFFICER and ConsentScope.SHARE_WITH_EMPLOYMENT_CENTRE not in consents:
            raise Forbidden(
                "La persona non ha acconsentito alla condivisione dei dati con il centro per l'impiego.",
                "The person has not consented to sharing data with the employment centre.",
                code="not_shared_with_employment_centre",
            )
        return _Facts(state, events, dict(host), dict(person), consents, self.territory)

    async def _intern(self, facts: _Facts, who: Principal, now: datetime, kind: Kind) -> d.Intern:
        first_name = None
        if ConsentScope.MINIMAL_DATA_TO_HOST in facts.consents:
            reader = Reader(who.user_id, who.role.value, who.partner, f"document: {kind.value}")
            async with self.engine.begin() as conn:
                first_name = await self.vault.read(conn, facts.state.person_id, reader, now)
        return d.Intern(first_name, facts.person["referral_id"])


def _may(who: Principal, kind: Kind) -> bool:
    if who.role in STAFF or who.role is Role.COMPANY_TUTOR:
        return True
    return who.role is Role.EMPLOYMENT_OFFICER and kind is Kind.PROJECT


def _filename(kind: Kind, placement_id: str, month: str | None = None) -> str:
    return f"{kind.value}{'-' + month if month else ''}-{placement_id[:8]}.pdf"


@dataclass(frozen=True)
class _Facts:
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
