"""What the consortium's pages call each code, in Italian (message ids; English in the catalogue)."""

from __future__ import annotations

from collections.abc import Iterable

from cantiere_web import N_

WAITING_FOR = {
    "intake_referred": N_("Decisione sulla segnalazione"),
    "intake_accepted": N_("Colloquio, competenze e proposta"),
    "acceptance": N_("Accettazione di persona e azienda"),
    "other_party": N_("Accettazione dell'altra parte"),
    "agreement": N_("Firma della convenzione"),
    "training_project": N_("Progetto formativo"),
    "employment_centre": N_("Convalida del Centro per l'impiego"),
    "start_notice": N_("Comunicazione obbligatoria di avvio"),
    "first_day": N_("Primo giorno di tirocinio"),
    "host_tutor": N_("Presenze mensili del tutor"),
    "resumption": N_("Ripresa del tirocinio"),
    "follow_up": N_("Colloqui di follow-up"),
}
DUE_STEPS = {
    "referral": N_("decisione sulla segnalazione"),
    "intake": N_("accoglienza"),
    "matching": N_("abbinamento"),
    "agreement": N_("convenzione e progetto"),
    "end": N_("fine prevista"),
    "follow_up_3": N_("follow-up a 3 mesi"),
    "follow_up_6": N_("follow-up a 6 mesi"),
    "follow_up_12": N_("follow-up a 12 mesi"),
    "closure": N_("chiusura del caso"),
}
STAGES = {
    "referred": N_("Segnalato"),
    "accepted": N_("Accolto"),
    "declined": N_("Non accolto"),
    "placed": N_("Abbinato"),
    "erased": N_("Dati cancellati"),
}
DECLINE_REASONS = {
    "not_eligible": N_("Requisiti non soddisfatti"),
    "incomplete_referral": N_("Segnalazione incompleta"),
    "consent_missing": N_("Consenso mancante"),
    "duplicate_referral": N_("Segnalazione doppia"),
    "programme_full": N_("Programma al completo"),
    "no_suitable_host": N_("Nessuna azienda adatta"),
    "safety_not_guaranteed": N_("Sicurezza non garantita"),
    "person_not_available": N_("Persona non disponibile"),
    "other": N_("Altro"),
}
REFUSAL_CHECKS = {
    "host_inactive": N_("azienda sospesa"),
    "host_at_capacity": N_("azienda senza posti disponibili"),
    "excluded_municipality": N_("comune escluso"),
    "excluded_host": N_("azienda esclusa"),
    "keep_apart": N_("persona da tenere separata"),
    "hours_do_not_fit": N_("orario non compatibile"),
    "clearance_denied": N_("nulla osta del comune negato o non arrivato"),
}
PARTIES = {
    "person": N_("La persona"),
    "host": N_("L'azienda"),
    "consortium": N_("Il consorzio"),
    "referring_municipality": N_("Il comune"),
}
REJECTION_REASONS = {
    "schedule_does_not_fit": N_("Orario non compatibile"),
    "travel_too_long": N_("Spostamento troppo lungo"),
    "role_not_suitable": N_("Mansione non adatta"),
    "skills_mismatch": N_("Competenze non adatte"),
    "care_needs_conflict": N_("Incompatibile con i carichi di cura"),
    "host_no_longer_available": N_("Azienda non più disponibile"),
    "person_no_longer_available": N_("Persona non più disponibile"),
    "other": N_("Altro"),
}
HOST_SUSPENSION_REASONS = {
    "compliance_lapsed": N_("Requisiti non più rispettati"),
    "safety_concern": N_("Problema di sicurezza"),
    "host_request": N_("Richiesta dell'azienda"),
    "under_review": N_("In verifica"),
    "business_closed": N_("Attività cessata"),
    "other": N_("Altro"),
}
SUSPENSION_REASONS = {
    "maternity": N_("Maternità"),
    "illness": N_("Malattia"),
    "injury": N_("Infortunio"),
    "host_closure": N_("Chiusura dell'azienda"),
    "safety": N_("Sicurezza"),
    "personal": N_("Motivi personali"),
    "other": N_("Altro"),
}
INTERRUPTION_REASONS = {
    "employment_found": N_("Ha trovato lavoro"),
    "person_choice": N_("Scelta della persona"),
    "health": N_("Salute"),
    "safety": N_("Sicurezza"),
    "moved_away": N_("Trasferimento"),
    "excessive_absence": N_("Troppe assenze"),
    "host_closure": N_("Chiusura dell'azienda"),
    "host_non_compliance": N_("Inadempienza dell'azienda"),
    "project_not_viable": N_("Progetto non sostenibile"),
    "other": N_("Altro"),
}
INITIATORS = {
    "intern": N_("Tirocinante"),
    "host": N_("Azienda"),
    "promoter": N_("Soggetto promotore"),
    "social_services": N_("Servizi sociali"),
}
SEVERITIES = {"low": N_("Bassa"), "medium": N_("Media"), "high": N_("Alta"), "critical": N_("Critica")}
TUTOR_ROLES = {"promoter": N_("Tutor del soggetto promotore"), "host": N_("Tutor aziendale")}
OUTCOMES = {
    "hired": N_("Assunzione"),
    "not_hired": N_("Nessuna assunzione"),
    "further_training": N_("Altra formazione"),
}
CONTRACTS = {
    "permanent": N_("Tempo indeterminato"),
    "fixed_term": N_("Tempo determinato"),
    "apprenticeship": N_("Apprendistato"),
    "other": N_("Altro"),
}
NOTICES = {"start": N_("Avvio"), "extension": N_("Proroga"), "end": N_("Cessazione")}
CLOSURE_REASONS = {
    "path_completed": N_("Percorso concluso"),
    "referral_withdrawn": N_("Segnalazione ritirata"),
    "referral_declined": N_("Segnalazione non accolta"),
    "internship_interrupted": N_("Tirocinio interrotto"),
    "no_placement_found": N_("Nessun abbinamento trovato"),
    "person_unreachable": N_("Persona non raggiungibile"),
    "moved_away": N_("Trasferimento"),
    "other": N_("Altro"),
}
STATUSES = {
    "proposed": N_("Proposto"),
    "agreed": N_("Accettato: convenzione e progetto"),
    "running": N_("In corso"),
    "suspended": N_("Sospeso"),
    "interrupted": N_("Interrotto"),
    "completed": N_("Concluso"),
    "closed": N_("Chiuso"),
    "rejected": N_("Rifiutato"),
}
EDUCATION = {
    "none": N_("Nessun titolo"),
    "primary": N_("Licenza elementare"),
    "lower_secondary": N_("Licenza media"),
    "upper_secondary": N_("Diploma o qualifica"),
    "post_secondary": N_("IFTS"),
    "short_tertiary": N_("ITS"),
    "bachelor": N_("Laurea triennale"),
    "master": N_("Laurea magistrale"),
    "doctorate": N_("Dottorato"),
    "not_known": N_("Non noto"),
}
AVAILABILITY = {
    "mornings": N_("Mattina"),
    "afternoons": N_("Pomeriggio"),
    "evenings": N_("Sera"),
    "weekends": N_("Fine settimana"),
    "full_time": N_("Tempo pieno"),
    "part_time": N_("Tempo parziale"),
}
CARE_NEEDS = {
    "none": N_("Nessuno"),
    "childcare": N_("Figli"),
    "elder_care": N_("Anziani"),
    "disability_care": N_("Persone con disabilità"),
    "other_family_care": N_("Altri familiari"),
}


def named(names: dict[str, str], codes: Iterable[object] | None) -> list[str]:
    """Codes as their message ids (unknown codes as they are), for the template to translate."""
    return [names.get(str(code), str(code)) for code in (codes or ())]


CONTACT_FIELDS = {
    "first_name": N_("Nome"),
    "surname": N_("Cognome"),
    "phone": N_("Telefono"),
    "email": N_("Posta elettronica"),
    "home_address": N_("Indirizzo"),
}
