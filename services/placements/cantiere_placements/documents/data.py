"""What each document shows, as plain data gathered by the service layer; nothing a document does not need.

A person appears by first name (only when they consent to minimal data going to the host) and the referring
municipality's case reference (the referral's id), never by tax code or surname. Puglia's forms for the
training project and the attestation also carry the intern's tax code: the consortium does not hold it, and
DESIGN.md keeps it in the municipality's vault, so these documents leave it to the referring municipality,
which completes the identity on its copy when it files the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Parties:
    """The parties and their roles: promoter, host, referring municipality, employment centre."""

    promoter: str  # soggetto promotore: the consortium
    host_name: str | None  # the company's name, where the host registry holds it
    host_vat_number: str  # soggetto ospitante, by VAT number (a company, not a person)
    host_site: str  # the municipality of the host's site
    host_sector: str  # ATECO sector code
    referring_municipality: str  # servizio sociale inviante
    employment_centre: str  # the centre that validates the project and receives the notices


@dataclass(frozen=True)
class Rules:
    """The regional rule set in force for this internship."""

    id: str
    legal_reference: str
    region: str
    max_hours_per_week: int
    min_monthly_allowance_cents: int
    attendance_threshold_percent: int
    max_duration_months: int
    unverified: tuple[str, ...]  # fields no primary legal text confirms


@dataclass(frozen=True)
class Intern:
    """The intern as documents name them."""

    first_name: str | None  # None: not shared with the host (no consent), or erased
    case_reference: str  # the referring municipality's reference: the referral id


@dataclass(frozen=True)
class Notice:
    """A mandatory notice filed (comunicazione obbligatoria)."""

    kind: str
    reference_number: str
    filed_on: date


@dataclass(frozen=True)
class Return:
    """A return of the project by the employment centre."""

    reason: str
    explanation: str
    returned_on: date


@dataclass(frozen=True)
class AgreementDocument:
    """Convenzione di tirocinio: promoter and host, under the rules in force. It names no intern."""

    placement_id: str
    agreement_id: str
    signed_on: date
    parties: Parties
    rules: Rules
    issued_on: date


@dataclass(frozen=True)
class ProjectDocument:
    """Progetto formativo individuale: the intern, objectives, tutors, hours, dates, allowance, validation."""

    placement_id: str
    agreement_id: str
    agreement_signed_on: date
    parties: Parties
    rules: Rules
    intern: Intern
    objectives: tuple[str, ...]
    promoter_tutor_id: str
    host_tutor_id: str
    hours_per_week: int
    starts_on: date
    ends_on: date
    monthly_allowance_cents: int
    validated_on: date | None
    pending_return: Return | None  # returned by the centre and not resubmitted since
    returns: tuple[Return, ...]  # every return, oldest first
    notices: tuple[Notice, ...]
    issued_on: date


@dataclass(frozen=True)
class RegisterDocument:
    """Registro mensile delle presenze: a closed month's planned and attended hours, and its allowance."""

    placement_id: str
    parties: Parties
    rules: Rules
    intern: Intern
    month: str  # YYYY-MM
    hours_per_week: int
    planned_hours: Decimal
    attended_hours: Decimal
    allowance_cents: int | None  # None: not calculated yet
    paid_on: date | None
    issued_on: date

    @property
    def attendance_percent(self) -> Decimal:
        """Attended over planned hours, as a percentage (0 when nothing was planned)."""
        if not self.planned_hours:
            return Decimal(0)
        return (self.attended_hours * 100 / self.planned_hours).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class AttestationDocument:
    """Attestazione delle competenze: the internship's dates and hours, and the competences acquired."""

    placement_id: str
    parties: Parties
    rules: Rules
    intern: Intern
    started_on: date
    ended_on: date | None
    attended_hours: Decimal
    objectives: tuple[str, ...]
    competences: tuple[str, ...]
    esco_skills: tuple[str, ...]
    issued_on: date
