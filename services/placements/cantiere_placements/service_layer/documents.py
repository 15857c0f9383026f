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
from datetime import datetime
from enum import StrEnum

from cantiere_events.codes import ConsentScope
from cantiere_runtime.auth import Principal, Role
from cantiere_runtime.errors import Forbidden, NotFound
from cantiere_runtime.store import EventStore
from cantiere_runtime.territory import Territory
from cantiere_runtime.unit_of_work import CommandHandler, UnitOfWork
from sqlalchemy import select

from cantiere_placements.adapters.tables import candidates, hosts
from cantiere_placements.adapters.vault import FirstNameVault, Reader
from cantiere_placements.documents import data as d
from cantiere_placements.documents import render
from cantiere_placements.domain.placement import placement_decider
from cantiere_placements.domain.placement_state import Placement
from cantiere_placements.service_layer.document_facts import PlacementFacts
from cantiere_placements.service_layer.unit import ROME, placement_stream, reading

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
    commands: CommandHandler  # the service's one handler: an audited read of the vault is a write
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

    async def _facts(self, placement_id: str, who: Principal) -> PlacementFacts:
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
        async with reading(self.store) as view:
            conn = view.conn
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
        return PlacementFacts(state, events, dict(host), dict(person), consents, self.territory)

    async def _intern(self, facts: PlacementFacts, who: Principal, now: datetime, kind: Kind) -> d.Intern:
        first_name = None
        if ConsentScope.MINIMAL_DATA_TO_HOST in facts.consents:
            reader = Reader(who.user_id, who.role.value, who.partner, f"document: {kind.value}")

            async def audited_read(unit: UnitOfWork) -> str | None:
                return await self.vault.read(unit.conn, facts.state.person_id, reader, now)

            first_name = await self.commands.run(audited_read)
        return d.Intern(first_name, facts.person["referral_id"])


def _may(who: Principal, kind: Kind) -> bool:
    if who.role in STAFF or who.role is Role.COMPANY_TUTOR:
        return True
    return who.role is Role.EMPLOYMENT_OFFICER and kind is Kind.PROJECT


def _filename(kind: Kind, placement_id: str, month: str | None = None) -> str:
    return f"{kind.value}{'-' + month if month else ''}-{placement_id[:8]}.pdf"
