"""Names shown for codes every service shares (message ids in Italian, translated where shown)."""

from __future__ import annotations

from cantiere_web.i18n import N_

ROLE_NAMES = {
    "social_worker": N_("Assistente sociale"),
    "municipal_manager": N_("Responsabile dei servizi sociali"),
    "placement_operator": N_("Operatore inserimenti"),
    "placement_coordinator": N_("Coordinatore inserimenti"),
    "company_tutor": N_("Tutor aziendale"),
    "employment_officer": N_("Centro per l'impiego"),
    "analyst": N_("Analista"),
    "auditor": N_("Revisore"),
    "district_planner": N_("Ufficio di Piano"),
}
