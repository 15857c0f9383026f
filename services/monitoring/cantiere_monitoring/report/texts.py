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
    "partners": ("I partner", "The partners"),
    "hosts": ("Aziende ospitanti", "Host companies"),
    "configuration": (
        "La configurazione da adattare per un nuovo territorio",
        "The configuration a new territory adapts",
    ),
    "territory_file": ("Il file del territorio", "The territory file"),
    "rule_sets": ("Regole regionali applicate", "Regional rules applied"),
    "lead": ("capofila", "lead municipality"),
    "total": ("Totale", "Total"),
    "page": ("Pagina", "Page"),
    "rule_summary": (
        "min. {allowance}/mese · presenza {attendance}% · {shortest}-{longest} mesi · max {hours} h/sett.",
        "min. {allowance}/month · attendance {attendance}% · {shortest}-{longest} months · max {hours} h/week",
    ),
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
    "follow_up": ("Follow-up", "Follow-up"),
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
}


_EMPLOYED_AFTER = re.compile(r"employed_after_(\d+)_months")  # the territory's follow_up_after_months


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
    return key.replace("_", " ") if pair is None else pair[0] if lang == "it" else pair[1]
