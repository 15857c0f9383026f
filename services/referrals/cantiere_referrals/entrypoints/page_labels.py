"""What the municipality's pages call each code (message ids in Italian, translated where shown)."""

from __future__ import annotations

from cantiere_web.i18n import N_

CONSENT_SCOPES = {
    "share_with_consortium": N_("Condivisione con il consorzio"),
    "share_contact_details": N_("Condivisione dei recapiti"),
    "share_with_employment_centre": N_("Condivisione con il Centro per l'impiego"),
    "minimal_data_to_host": N_("Dati essenziali all'azienda ospitante"),
    "aggregate_statistics": N_("Statistiche aggregate"),
}
LEGAL_BASES = {
    "consent": N_("Consenso"),
    "legal_obligation": N_("Obbligo di legge"),
    "public_task": N_("Compito di interesse pubblico"),
    "vital_interest": N_("Interesse vitale"),
}
ELIGIBILITY_CATEGORIES = {
    "gender_based_violence": N_("Violenza di genere"),
    "domestic_violence": N_("Violenza domestica"),
    "sexual_violence": N_("Violenza sessuale"),
    "trafficking": N_("Tratta"),
    "stalking": N_("Atti persecutori (stalking)"),
    "witnessed_violence": N_("Violenza assistita"),
    "author_of_violence": N_("Autore di violenza (caso eccezionale)"),
    "other_vulnerability": N_("Altra vulnerabilità"),
}
REFERRING_SERVICES = {
    "anti_violence_centre": N_("Centro antiviolenza"),
    "shelter": N_("Casa rifugio"),
    "uepe": N_("UEPE"),
    "ussm": N_("USSM"),
    "social_services": N_("Servizi sociali"),
    "health_services": N_("Servizi sanitari"),
    "law_enforcement": N_("Forze dell'ordine"),
    "employment_centre": N_("Centro per l'impiego"),
    "third_sector": N_("Terzo settore"),
    "other": N_("Altro"),
}
GENDERS = {
    "female": N_("Donna"),
    "male": N_("Uomo"),
    "non_binary": N_("Non binario"),
    "not_stated": N_("Non dichiarato"),
}
AGE_BANDS = {
    "under_18": N_("meno di 18 anni"),
    "18_24": N_("18-24 anni"),
    "25_34": N_("25-34 anni"),
    "35_44": N_("35-44 anni"),
    "45_54": N_("45-54 anni"),
    "55_64": N_("55-64 anni"),
    "65_plus": N_("65 anni e oltre"),
}
REFERRAL_STATUSES = {
    None: N_("Non segnalata"),
    "open": N_("Segnalazione aperta"),
    "withdrawn": N_("Segnalazione ritirata"),
    "closed": N_("Segnalazione chiusa"),
}
WITHDRAWAL_REASONS = {
    "person_request": N_("Richiesta della persona"),
    "consent_withdrawn": N_("Consenso revocato"),
    "no_longer_eligible": N_("Non più idonea"),
    "moved_away": N_("Trasferita altrove"),
    "other_programme": N_("Inserita in un altro programma"),
    "safety": N_("Motivi di sicurezza"),
    "other": N_("Altro"),
}
READ_PURPOSES = {
    "case_management": N_("Gestione del caso"),
    "contact_person": N_("Contattare la persona"),
    "data_subject_access": N_("Richiesta di accesso dell'interessata"),
    "referral_submission": N_("Invio della segnalazione"),
    "consortium_contact_request": N_("Richiesta di recapiti dal consorzio"),
    "audit": N_("Verifica (audit)"),
}
# The reasons a person may choose on a page; the others are recorded by the service itself.
CHOSEN_READ_PURPOSES = ("case_management", "contact_person", "data_subject_access", "audit")
ERASURE_BASES = {
    "data_subject_request": N_("Richiesta dell'interessata (art. 17 GDPR)"),
    "retention_expired": N_("Periodo di conservazione scaduto"),
    "consent_withdrawn": N_("Consenso revocato"),
    "no_longer_necessary": N_("Dati non più necessari"),
    "unlawful_processing": N_("Trattamento illecito"),
    "legal_obligation": N_("Obbligo di legge"),
}
CLOSURE_REASONS = {
    "path_completed": N_("Percorso completato"),
    "referral_withdrawn": N_("Segnalazione ritirata"),
    "referral_declined": N_("Segnalazione non accolta"),
    "internship_interrupted": N_("Tirocinio interrotto"),
    "no_placement_found": N_("Nessun inserimento trovato"),
    "person_unreachable": N_("Persona non raggiungibile"),
    "moved_away": N_("Trasferita altrove"),
    "other": N_("Altro"),
}
LOCAL_EVENTS = {
    "PersonRegistered": N_("Persona registrata"),
    "ConsentGiven": N_("Consenso registrato"),
    "ConsentRevoked": N_("Consenso revocato"),
    "EligibilityConfirmed": N_("Idoneità confermata"),
    "SafetyConstraintsSet": N_("Vincoli di sicurezza registrati"),
    "ReferralOpened": N_("Segnalazione inviata al consorzio"),
    "ReferralCancelled": N_("Segnalazione ritirata"),
    "ReferralEnded": N_("Segnalazione chiusa"),
    "PersonErased": N_("Dati personali cancellati"),
}
CONSORTIUM_EVENTS = {
    "ReferralAccepted": N_("Segnalazione accolta dal consorzio"),
    "ReferralDeclined": N_("Segnalazione non accolta dal consorzio"),
    "IntakeInterviewHeld": N_("Colloquio di accoglienza svolto"),
    "SkillsAssessed": N_("Competenze valutate"),
    "PlacementProposed": N_("Inserimento proposto"),
    "PlacementSafetyCleared": N_("Verifica di sicurezza dell'inserimento"),
    "PlacementRefused": N_("Inserimento escluso da una verifica"),
    "PlacementAcceptedByPerson": N_("Inserimento accettato dalla persona"),
    "PlacementAcceptedByHost": N_("Inserimento accettato dall'azienda"),
    "PlacementRejected": N_("Inserimento rifiutato"),
    "AgreementSigned": N_("Convenzione firmata"),
    "TrainingProjectApproved": N_("Progetto formativo approvato"),
    "TrainingProjectValidated": N_("Progetto formativo validato dal Centro per l'impiego"),
    "MandatoryNoticeFiled": N_("Comunicazione obbligatoria inviata"),
    "InternshipStarted": N_("Tirocinio iniziato"),
    "AttendanceMonthClosed": N_("Presenze del mese chiuse"),
    "AllowanceCalculated": N_("Indennità calcolata"),
    "AllowancePaid": N_("Indennità pagata"),
    "TutorVisitLogged": N_("Visita del tutor"),
    "InternshipSuspended": N_("Tirocinio sospeso"),
    "InternshipResumed": N_("Tirocinio ripreso"),
    "InternshipExtended": N_("Tirocinio prorogato"),
    "InternshipInterrupted": N_("Tirocinio interrotto"),
    "SafetyIncidentFlagged": N_("Segnalato un problema di sicurezza"),
    "InternshipCompleted": N_("Tirocinio concluso"),
    "CompetenceAttestationIssued": N_("Attestazione delle competenze rilasciata"),
    "FollowUpRecorded": N_("Verifica successiva registrata"),
    "CaseClosed": N_("Percorso chiuso dal consorzio"),
}
EDUCATION_LEVELS = {
    "not_known": N_("Non nota"),
    "none": N_("Nessun titolo"),
    "primary": N_("Licenza elementare"),
    "lower_secondary": N_("Licenza media"),
    "upper_secondary": N_("Diploma o qualifica professionale"),
    "post_secondary": N_("Formazione post-diploma (IFTS)"),
    "short_tertiary": N_("Istituto tecnico superiore (ITS)"),
    "bachelor": N_("Laurea triennale"),
    "master": N_("Laurea magistrale"),
    "doctorate": N_("Dottorato"),
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
    "childcare": N_("Cura dei figli"),
    "elder_care": N_("Cura di persone anziane"),
    "disability_care": N_("Cura di persone con disabilità"),
    "other_family_care": N_("Altri carichi familiari"),
}
