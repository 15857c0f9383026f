"""The report's words, Italian first, English beside them."""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["it", "en"]

_TEXTS: dict[str, tuple[str, str]] = {
    "title": ("Masterplan del programma", "Programme Masterplan"),
    "period": ("Periodo", "Period"),
    "generated": ("Generato il", "Generated on"),
    "threshold_note": (
        "Per tutelare le persone, nessun conteggio inferiore a {t} è mostrato (tranne lo zero); alcune celle sono "
        "nascoste anche per impedire di ricalcolare quelle piccole. Sono contate solo le persone che hanno dato il "
        "consenso alle statistiche aggregate.",
        "To protect people, no count below {t} is shown (except zero); some cells are also hidden so that small ones "
        "cannot be recomputed. Only people who consented to aggregate statistics are counted.",
    ),
    "in_figures": ("Il programma in cifre", "The programme in figures"),
    "indicator": ("Indicatore", "Indicator"),
    "people": ("Persone", "People"),
    "target": ("Obiettivo di tirocini", "Internship target"),
    "starts_vs_target": ("Tirocini avviati rispetto all'obiettivo", "Internships started against the target"),
    "budget": ("Spesa per indennità rispetto al budget", "Allowance spend against the budget"),
    "attendance": ("Presenza media mensile", "Average monthly attendance"),
    "not_enough": ("non mostrato: troppo pochi casi", "not shown: too few cases"),
    "at_end": ("Alla fine del periodo", "At the end of the period"),
    "procedure": ("La procedura fase per fase", "The procedure phase by phase"),
    "phase": ("Fase", "Phase"),
    "standard": ("Durata standard (giorni)", "Standard duration (days)"),
    "cases": ("Casi", "Cases"),
    "median": ("Mediana (giorni)", "Median (days)"),
    "p90": ("90° percentile (giorni)", "90th percentile (days)"),
    "overruns": ("Oltre lo standard", "Over the standard"),
    "bottleneck": ("Collo di bottiglia", "Bottleneck"),
    "bottlenecks": (
        "Colli di bottiglia: fasi la cui mediana supera lo standard",
        "Bottlenecks: phases whose median exceeds the standard",
    ),
    "none": ("nessuno", "none"),
    "median_vs_standard": (
        "Durata mediana (barra) e standard (tacca), in giorni",
        "Median duration (bar) and standard (tick), in days",
    ),
    "outcomes": ("Esiti", "Outcomes"),
    "by": ("per", "by"),
    "programme_level": ("riportato solo a livello di programma", "reported at programme level only"),
    "programme_only": (
        "In un anno o in un trimestre le ripartizioni per comune, ambito, municipio, fascia d'età e settore, e "
        "quelle per esito, motivo, tipo di contratto e occupazione dopo il tirocinio, sono riportate solo a livello di "
        "programma, come i conteggi che non hanno una ripartizione nel tempo (persone mai sospese, con presenze "
        "o indennità, aziende ospitanti, persone seguite dopo il tirocinio, casi e sforamenti della procedura): "
        "un anno è la somma dei suoi trimestri, e confrontandoli si potrebbero ricalcolare conteggi nascosti. "
        "Per lo stesso motivo un totale che le ripartizioni per trimestre e per mese del programma non "
        "determinano è riservato.",
        "In a year or a quarter, the breakdowns by municipality, ambito, district, age band and sector, and those by "
        "outcome, reason, contract type and employment after the internship, are reported at programme level "
        "only, as are the counts that have no breakdown by time (people ever suspended, with attendance or "
        "allowances, host companies, people followed up after the internship, the procedure's cases and "
        "overruns): a year is the sum of its quarters, and comparing them could recompute hidden counts. For "
        "the same reason a total that the programme's breakdowns by quarter and by month do not determine is "
        "withheld.",
    ),
    "partners": ("I partner e i loro ruoli", "The partners and their roles"),
    "hosts": ("Aziende ospitanti", "Host companies"),
    "rule_sets": ("Regole regionali applicate", "Regional rules applied"),
    "lead": ("capofila", "lead municipality"),
    "not_enough_breakdown": ("ripartizione non mostrata: troppo pochi casi", "breakdown not shown: too few cases"),
    "total": ("Totale", "Total"),
    "page": ("Pagina", "Page"),
    "rule_summary": (
        "indennità minima {allowance} al mese · indennità dovuta con presenza di almeno il {attendance}% · "
        "durata da {shortest} a {longest} mesi · al massimo {hours} ore a settimana",
        "minimum allowance {allowance} a month · allowance due from {attendance}% attendance · "
        "{shortest} to {longest} months · at most {hours} hours a week",
    ),
    "summary": ("Sintesi per i decisori", "Summary for decision makers"),
    "summary_text": (
        "{name} ha offerto tirocini di inclusione sociale a persone che hanno subito violenza, segnalate dai "
        "servizi sociali di {municipalities} comuni e accompagnate da un consorzio di cooperative sociali fino "
        "al lavoro. Questo documento descrive il modello, la procedura fase per fase con i ruoli e i tempi, gli "
        "esiti e i costi, e ciò che un nuovo territorio deve adattare; le cifre del periodo sono la prova di "
        "quanto descritto.",
        "{name} offered social inclusion internships to people who have suffered violence, referred by the social "
        "services of {municipalities} municipalities and accompanied by a consortium of social cooperatives into "
        "work. This document describes the model, the procedure phase by phase with its roles and timings, the "
        "outcomes and costs, and what a new territory must adapt; the figures of the period are the evidence.",
    ),
    "key_figures": ("Cifre chiave del periodo", "Key figures of the period"),
    "model": ("Il modello", "The model"),
    "model_text": (
        "Ogni partner custodisce i propri dati. I comuni registrano le persone e conservano i dati personali in un "
        "archivio cifrato; al consorzio arriva un profilo pseudonimo; la Cabina di Regia e la Regione vedono solo "
        "conteggi aggregati, con le celle piccole nascoste. Due persone che devono restare separate non sono mai "
        "ospitate dalla stessa azienda: il controllo confronta codici cifrati e, in caso di dubbio, rifiuta.",
        "Each partner keeps its own data. Municipalities register people and keep personal data in an encrypted "
        "vault; the consortium receives a pseudonymous profile; the steering committee and the Region see only "
        "aggregated counts, with small cells hidden. Two people who must be kept apart are never hosted by the "
        "same company: the check compares keyed hashes and, when in doubt, refuses.",
    ),
    "partner": ("Partner", "Partner"),
    "role": ("Ruolo nel programma", "Role in the programme"),
    "role_municipalities": (
        "Servizi sociali: segnalano le persone, raccolgono il consenso, fissano i vincoli di sicurezza, "
        "autorizzano ogni abbinamento.",
        "Social services: refer people, collect consent, set safety constraints, clear every placement.",
    ),
    "role_consortium": (
        "Accoglienza, bilancio delle competenze, ricerca delle aziende, abbinamento, tutoraggio, indennità, follow-up.",
        "Intake, skills assessment, host recruitment, matching, tutoring, allowances, follow-up.",
    ),
    "role_centre": (
        "Valida i progetti formativi e riceve le comunicazioni obbligatorie.",
        "Validates the training projects and receives the mandatory notices.",
    ),
    "role_monitoring": (
        "Segue il programma con cifre aggregate e ne fa un modello replicabile.",
        "Follows the programme through aggregated figures and turns it into a replicable model.",
    ),
    "role_hosts": (
        "Ospitano il tirocinio con un tutor aziendale; non conoscono indirizzo né storia della persona.",
        "Host the internship with a company tutor; they never learn the person's address or history.",
    ),
    "municipalities_of": ("Comuni del programma", "Municipalities of the programme"),
    "who": ("Chi", "Who"),
    "what": ("Che cosa", "What happens"),
    "timing": ("Tempi: standard e misurati", "Timing: standard and measured"),
    "days": ("giorni", "days"),
    "standard_short": ("standard", "standard"),
    "median_short": ("mediana", "median"),
    "costs": ("Costi", "Costs"),
    "budget_total": ("Budget del programma", "Programme budget"),
    "budget_per_internship": ("Budget per tirocinio previsto", "Budget per planned internship"),
    "allowances_paid": ("Indennità pagate nel periodo", "Allowances paid in the period"),
    "adapt": ("Che cosa adatta un nuovo territorio", "What a new territory adapts"),
    "adapt_text": (
        "Il software è lo stesso; un nuovo territorio scrive un proprio file di configurazione. Ecco le scelte che "
        "contiene, con i valori di questo programma come esempio.",
        "The software stays the same; a new territory writes its own configuration file. These are the choices it "
        "holds, with this programme's values as an example.",
    ),
    "element": ("Elemento", "Element"),
    "here": ("In questo programma", "In this programme"),
    "decide": ("Da decidere", "To decide"),
    "adapt_municipalities": ("Comuni, municipi e ambiti", "Municipalities, districts and ambiti"),
    "adapt_municipalities_decide": (
        "Chi segnala; un servizio per comune o per ambito.",
        "Who refers; one service per municipality or per ambito.",
    ),
    "adapt_partners": ("Partner e accesso", "Partners and sign-in"),
    "adapt_partners_decide": (
        "Consorzio, centro per l'impiego, cabina di regia; il fornitore di identità di ciascuno.",
        "Consortium, employment centre, steering committee; each one's identity provider.",
    ),
    "adapt_target": ("Obiettivo e budget", "Target and budget"),
    "adapt_phases": ("Tempi standard delle fasi", "Standard phase timings"),
    "adapt_phases_decide": (
        "Scadenze e promemoria; misura dei colli di bottiglia.",
        "Deadlines and reminders; the yardstick of the bottlenecks.",
    ),
    "adapt_rules": ("Regole regionali dei tirocini", "Regional internship rules"),
    "adapt_rules_decide": ("La legge regionale in vigore, per data.", "The regional law in force, by date."),
    "adapt_threshold": ("Soglia di riservatezza", "Confidentiality threshold"),
    "adapt_threshold_decide": ("Il conteggio più piccolo pubblicato.", "The smallest count published."),
    "adapt_target_decide": ("Tirocini previsti e risorse.", "Planned internships and funds."),
    "evidence": ("Allegato: le cifre in dettaglio", "Annex: the figures in detail"),
    "programme_period": ("Periodo del programma", "Programme period"),
    "months": ("mesi", "months"),
    "yes": ("sì", "yes"),
    "no": ("no", "no"),
}

LABELS: dict[str, tuple[str, str]] = {
    "referrals": ("Segnalazioni", "Referrals"),
    "acceptances": ("Prese in carico", "Acceptances"),
    "declines": ("Segnalazioni non accolte", "Declined referrals"),
    "intakes": ("Colloqui di accoglienza completati", "Intakes completed"),
    "placements": ("Convenzioni firmate", "Agreements signed"),
    "starts": ("Tirocini avviati", "Internships started"),
    "interruptions": ("Tirocini interrotti", "Internships interrupted"),
    "completions": ("Tirocini conclusi", "Internships completed"),
    "active": ("In corso", "Running"),
    "suspended": ("Sospesi", "Suspended"),
    "ever_suspended": ("Sospesi almeno una volta", "Suspended at least once"),
    "recruited": ("Aziende reclutate", "Hosts recruited"),
    "retained": ("Aziende ancora attive", "Hosts retained"),
    "referral": ("Segnalazione", "Referral"),
    "intake": ("Accoglienza", "Intake"),
    "matching": ("Abbinamento", "Matching"),
    "agreement": ("Convenzione e avvio", "Agreement and start"),
    "running": ("Svolgimento", "Running"),
    "completion": ("Conclusione", "Completion"),
    "follow_up": ("Verifica a distanza", "Follow-up"),
    "interruptions_by_reason": ("Interruzioni per motivo", "Interruptions by reason"),
    "outcomes_breakdown": ("Esiti dei tirocini conclusi", "Outcomes of completed internships"),
    "hired_by_contract_type": ("Assunzioni per tipo di contratto", "Hires by contract type"),
    "declines_by_reason": ("Segnalazioni non accolte per motivo", "Declines by reason"),
    "municipality": ("comune", "municipality"),
    "district": ("municipio", "district"),
    "ambito": ("ambito territoriale sociale", "social district (ambito)"),
    "age_band": ("fascia d'età", "age band"),
    "sector": ("settore", "sector"),
    "quarter": ("trimestre", "quarter"),
    "month": ("mese", "month"),
    "site_municipality": ("comune della sede", "site municipality"),
    # codes of the categories (cantiere_events.codes)
    "hired": ("Assunti", "Hired"),
    "not_hired": ("Non assunti", "Not hired"),
    "further_training": ("Altra formazione", "Further training"),
    "permanent": ("Tempo indeterminato", "Permanent"),
    "fixed_term": ("Tempo determinato", "Fixed term"),
    "apprenticeship": ("Apprendistato", "Apprenticeship"),
    "other": ("Altro", "Other"),
    "employment_found": ("Ha trovato lavoro", "Found employment"),
    "person_choice": ("Scelta della persona", "The person's choice"),
    "health": ("Salute", "Health"),
    "safety": ("Sicurezza", "Safety"),
    "moved_away": ("Trasferimento", "Moved away"),
    "excessive_absence": ("Troppe assenze", "Too many absences"),
    "host_closure": ("Chiusura dell'azienda", "Host closed"),
    "host_non_compliance": ("Azienda non conforme", "Host not compliant"),
    "project_not_viable": ("Progetto non realizzabile", "Project not viable"),
    "not_eligible": ("Requisiti mancanti", "Not eligible"),
    "incomplete_referral": ("Segnalazione incompleta", "Incomplete referral"),
    "consent_missing": ("Consenso mancante", "Consent missing"),
    "duplicate_referral": ("Segnalazione doppia", "Duplicate referral"),
    "programme_full": ("Posti esauriti", "Programme full"),
    "no_suitable_host": ("Nessuna azienda adatta", "No suitable host"),
    "safety_not_guaranteed": ("Sicurezza non garantita", "Safety not guaranteed"),
    "person_not_available": ("Persona non disponibile", "Person not available"),
    "employed": ("Occupati", "Employed"),
    "not_employed": ("Non occupati", "Not employed"),
    "same_host": ("Presso la stessa azienda", "At the same host"),
    "other_employer": ("Presso altro datore", "With another employer"),
    "under_18": ("meno di 18 anni", "under 18"),
    "unknown": ("non indicato", "not stated"),
    "no_ambito": ("fuori dagli ambiti", "outside the ambiti"),
    "other_municipalities": ("altri comuni", "other municipalities"),
    "65_plus": ("65 anni e più", "65 and over"),
}


_EMPLOYED_AFTER = re.compile(r"employed_after_(\d+)_months")  # the territory's follow_up_after_months
_AGE_BAND = re.compile(r"(\d+)_(\d+)")  # e.g. 18_24


def text(key: str, lang: Lang) -> str:
    """A report text in the language asked for."""
    it, en = _TEXTS[key]
    return it if lang == "it" else en


def label(key: str, lang: Lang) -> str:
    """The name of an indicator, phase or dimension; codes without a label are shown as they are."""
    pair = LABELS.get(key)
    if pair is None and (follow_up := _EMPLOYED_AFTER.fullmatch(key)):
        months = int(follow_up[1])
        pair = (f"Occupati a {months} {'mese' if months == 1 else 'mesi'}",
                f"Employed after {months} {'month' if months == 1 else 'months'}")  # fmt: skip
    if pair is None and (band := _AGE_BAND.fullmatch(key)):
        pair = (f"{band[1]}–{band[2]} anni", f"{band[1]}–{band[2]} years")  # noqa: RUF001 - an en dash between ages
    return key.replace("_", " ") if pair is None else pair[0] if lang == "it" else pair[1]


PHASE_TEXTS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    # phase: ((who, Italian; who, English), (what happens, Italian; English))
    "referral": (
        ("Comune (assistente sociale, responsabile)", "Municipality (social worker, manager)"),
        (
            "Dalla segnalazione alla risposta del consorzio: presa in carico o motivato rifiuto.",
            "From the referral to the consortium's answer: accepted, or declined with a reason.",
        ),
    ),
    "intake": (
        ("Consorzio (operatori di inserimento)", "Consortium (placement operators)"),
        ("Colloquio di accoglienza e bilancio delle competenze.", "Intake interview and skills assessment."),
    ),
    "matching": (
        ("Consorzio, con il via libera del comune", "Consortium, cleared by the municipality"),
        (
            "Scelta dell'azienda, controllo di sicurezza del comune, accettazione di persona e azienda.",
            "Choice of the host, the municipality's safety clearance, acceptance by the person and the host.",
        ),
    ),
    "agreement": (
        ("Consorzio, azienda, Centro per l'Impiego", "Consortium, host, employment centre"),
        (
            "Convenzione, progetto formativo, validazione e comunicazione obbligatoria, fino al primo giorno.",
            "Agreement, training project, validation and mandatory notice, up to the first day.",
        ),
    ),
    "running": (
        ("Tutor aziendale e tutor del consorzio", "Company tutor and consortium tutor"),
        (
            "Presenze mensili, indennità, visite del tutor, eventuali sospensioni.",
            "Monthly attendance, allowances, tutor visits, any suspensions.",
        ),
    ),
    "completion": (
        ("Consorzio", "Consortium"),
        (
            "Esito del tirocinio e attestazione delle competenze.",
            "Outcome of the internship and attestation of competences.",
        ),
    ),
    "follow_up": (
        ("Consorzio", "Consortium"),
        (
            "Occupazione della persona a 3, 6 e 12 mesi dalla fine.",
            "The person's employment 3, 6 and 12 months after the end.",
        ),
    ),
}


def phase_text(phase: str, lang: Lang) -> tuple[str, str]:
    """Who carries a phase and what happens in it, in the language asked for."""
    (who_it, who_en), (what_it, what_en) = PHASE_TEXTS[phase]
    return (who_it, what_it) if lang == "it" else (who_en, what_en)
