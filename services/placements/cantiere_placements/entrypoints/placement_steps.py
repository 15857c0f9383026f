"""Every step of a placement, from acceptance to closure, as a form: which command, which fields, when shown.

The pages build each command from its form and hand it to the same service layer as the JSON routes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cantiere_web import N_

from cantiere_placements.domain import agreement as ag
from cantiere_placements.domain import running as run
from cantiere_placements.entrypoints import page_labels as labels

YES_NO = {"true": N_("Sì"), "false": N_("No")}
FOLLOW_UP_MONTHS = {"3": N_("3 mesi"), "6": N_("6 mesi"), "12": N_("12 mesi")}
PERSON_OR_HOST = {k: v for k, v in labels.PARTIES.items() if k in ("person", "host")}


@dataclass(frozen=True)
class Field:
    """One input of a step's form: ``kind`` is text, date, number, month, lines, euro, select or tutor."""

    name: str
    label: str
    kind: str = "text"
    options: dict[str, str] = field(default_factory=dict)
    required: bool = True
    help: str | None = None


@dataclass(frozen=True)
class Step:
    """A step of the placement: its address (``/tirocini/{id}/<slug>``), command, title and when it is offered."""

    slug: str
    command: Any
    title: str
    fields: tuple[Field, ...]
    when: tuple[str, ...]
    button: str
    done: str
    new_ids: tuple[str, ...] = ()  # fields the page fills with a fresh id (never typed)


STEPS = (
    Step("accettazione", ag.AcceptPlacement, N_("Accettazione"),
         (Field("party", N_("Chi accetta"), "select", PERSON_OR_HOST),), ("proposed",),
         N_("Registra l'accettazione"), N_("Accettazione registrata.")),
    Step("rifiuto", ag.RejectPlacement, N_("Rifiuto della proposta"),
         (Field("party", N_("Chi rifiuta"), "select", labels.PARTIES),
          Field("reason", N_("Motivo del rifiuto"), "select", labels.REJECTION_REASONS)),
         ("proposed", "agreed"), N_("Registra il rifiuto"), N_("Rifiuto registrato.")),
    Step("convenzione", ag.SignAgreement, N_("Convenzione di tirocinio"),
         (Field("signed_on", N_("Firmata il"), "date"),), ("agreed",), N_("Registra la firma"),
         N_("Convenzione firmata."), new_ids=("agreement_id",)),
    Step("progetto", ag.ApproveTrainingProject, N_("Progetto formativo individuale"),
         (Field("objectives", N_("Obiettivi (codici del programma)"), "lines", help=N_("Uno per riga.")),
          Field("promoter_tutor_id", N_("Codice del tutor del soggetto promotore")),
          Field("host_tutor_id", N_("Tutor aziendale"), "tutor"),
          Field("hours_per_week", N_("Ore settimanali"), "number"),
          Field("starts_on", N_("Inizio"), "date"),
          Field("ends_on", N_("Fine"), "date"),
          Field("monthly_allowance_cents", N_("Indennità mensile (euro)"), "euro", help=N_("Per esempio 450,00."))),
         ("agreed",), N_("Approva il progetto"), N_("Progetto formativo approvato.")),
    Step("comunicazione", ag.FileMandatoryNotice, N_("Comunicazione obbligatoria"),
         (Field("kind", N_("Tipo"), "select", labels.NOTICES),
          Field("reference_number", N_("Numero di protocollo"))),
         ("agreed", "running", "suspended", "completed", "interrupted"), N_("Registra la comunicazione"),
         N_("Comunicazione registrata.")),
    Step("avvio", ag.StartInternship, N_("Avvio del tirocinio"), (Field("started_on", N_("Primo giorno"), "date"),),
         ("agreed",), N_("Avvia il tirocinio"), N_("Tirocinio avviato.")),
    Step("presenze", run.CloseAttendanceMonth, N_("Presenze del mese"),
         (Field("month", N_("Mese"), "month"),
          Field("planned_hours", N_("Ore previste"), "number"),
          Field("attended_hours", N_("Ore svolte"), "number")),
         ("running", "suspended"), N_("Chiudi il mese"), N_("Presenze del mese registrate.")),
    Step("indennita", run.CalculateAllowance, N_("Calcolo dell'indennità"), (Field("month", N_("Mese"), "month"),),
         ("running", "suspended", "completed", "interrupted"), N_("Calcola l'indennità"), N_("Indennità calcolata.")),
    Step("pagamento", run.PayAllowance, N_("Pagamento dell'indennità"), (Field("month", N_("Mese"), "month"),),
         ("running", "suspended", "completed", "interrupted"), N_("Registra il pagamento"),
         N_("Pagamento registrato.")),
    Step("visita", run.LogTutorVisit, N_("Visita del tutor"),
         (Field("tutor_id", N_("Codice del tutor")),
          Field("tutor_role", N_("Tutor"), "select", labels.TUTOR_ROLES),
          Field("visited_on", N_("Visita del"), "date")),
         ("running", "suspended"), N_("Registra la visita"), N_("Visita registrata.")),
    Step("sospensione", run.SuspendInternship, N_("Sospensione"),
         (Field("reason", N_("Motivo"), "select", labels.SUSPENSION_REASONS),
          Field("suspended_on", N_("Dal"), "date")),
         ("running",), N_("Sospendi"), N_("Tirocinio sospeso.")),
    Step("ripresa", run.ResumeInternship, N_("Ripresa"), (Field("resumed_on", N_("Ripreso il"), "date"),),
         ("suspended",), N_("Riprendi"), N_("Tirocinio ripreso.")),
    Step("proroga", run.ExtendInternship, N_("Proroga"), (Field("ends_on", N_("Nuova data di fine"), "date"),),
         ("running",), N_("Proroga"), N_("Tirocinio prorogato.")),
    Step("incidente", run.FlagSafetyIncident, N_("Segnalazione di sicurezza"),
         (Field("severity", N_("Gravità"), "select", labels.SEVERITIES),),
         ("running", "suspended"), N_("Segnala"), N_("Segnalazione registrata.")),
    Step("interruzione", run.InterruptInternship, N_("Interruzione"),
         (Field("reason", N_("Motivo"), "select", labels.INTERRUPTION_REASONS),
          Field("initiator", N_("Su iniziativa di"), "select", labels.INITIATORS),
          Field("interrupted_on", N_("Interrotto il"), "date", required=False)),
         ("running", "suspended"), N_("Interrompi"), N_("Tirocinio interrotto.")),
    Step("conclusione", run.CompleteInternship, N_("Conclusione"),
         (Field("outcome", N_("Esito"), "select", labels.OUTCOMES),
          Field("contract_type", N_("Contratto (se assunzione)"), "select", labels.CONTRACTS, required=False),
          Field("completed_on", N_("Concluso il"), "date", required=False)),
         ("running",), N_("Concludi il tirocinio"), N_("Tirocinio concluso.")),
    Step("attestazione", run.IssueCompetenceAttestation, N_("Attestazione delle competenze"),
         (Field("competences", N_("Competenze acquisite (codici del programma)"), "lines", help=N_("Uno per riga.")),),
         ("completed", "interrupted"), N_("Rilascia l'attestazione"), N_("Attestazione rilasciata.")),
    Step("follow-up", run.RecordFollowUp, N_("Follow-up"),
         (Field("after_months", N_("Dopo"), "select", FOLLOW_UP_MONTHS),
          Field("employed", N_("Lavora?"), "select", YES_NO),
          Field("contract_type", N_("Contratto"), "select", labels.CONTRACTS, required=False),
          Field("same_host", N_("Presso la stessa azienda?"), "select", YES_NO, required=False),
          Field("recorded_on", N_("Colloquio del"), "date", required=False)),
         ("completed", "interrupted"), N_("Registra il follow-up"), N_("Follow-up registrato.")),
    Step("chiusura", run.CloseCase, N_("Chiusura del caso"),
         (Field("reason", N_("Motivo"), "select", labels.CLOSURE_REASONS),),
         ("completed", "interrupted"), N_("Chiudi il caso"), N_("Caso chiuso.")),
)  # fmt: skip
BY_SLUG = {s.slug: s for s in STEPS}


def input_name(step: Step, name: str) -> str:
    """Each step's inputs carry its slug: several forms share one page, and ids must stay unique."""
    return f"{step.slug}-{name}"
