"""The scenario of a simulated programme: how many people, from where, when, and how their paths go.

It lives next to the territory file (``<territory>.scenario.yaml``); every value has a meaning in the domain.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from cantiere_runtime.territory import TERRITORIES_DIR
from pydantic import BaseModel, ConfigDict, Field


class Days(BaseModel):
    """Least and most calendar days between two steps."""

    model_config = ConfigDict(extra="forbid")

    referral_to_intake: tuple[int, int] = (5, 20)
    intake_to_proposal: tuple[int, int] = (10, 35)
    proposal_to_agreement: tuple[int, int] = (5, 15)
    agreement_to_start: tuple[int, int] = (7, 20)
    attendance_closed_after_month: tuple[int, int] = (1, 6)
    completion_to_attestation: tuple[int, int] = (3, 15)


class Scenario(BaseModel):
    """Rates and timings of one simulated programme (see the pilot's file for what each means)."""

    model_config = ConfigDict(extra="forbid")

    format_version: int = 1
    territory: str
    seed: int = 1
    referred: dict[str, int]
    referrals_from: date
    referrals_until: date
    hosts_from: date
    hosts: int = Field(ge=1)
    declined: int = 0
    withdrawn_and_erased: int = 0
    no_placement: int = 0
    keep_apart_pairs: int = 0
    contact_consent_rate: float = 0.85
    days: Days = Days()
    rejected_proposal_rate: float = 0.1
    suspension_rate: float = 0.05
    interruption_rate: float = 0.1
    extension_rate: float = 0.3
    extension_from: date | None = None
    outcomes: dict[str, float] = {"hired": 0.3, "not_hired": 0.45, "further_training": 0.25}
    months: int = 6
    hours_per_week: tuple[int, int] = (15, 30)
    monthly_allowance_cents: int = 45000
    attendance_percent: tuple[int, int] = (62, 100)
    contact_consent_withdrawals: int = 0
    statistics_consent_withdrawals: int = 0
    demo_programme_end: date | None = None
    play_until: date | None = None  # the last day played: later steps (follow-ups due then) are left to people

    @property
    def people(self) -> int:
        return sum(self.referred.values())

    def scaled(self, factor: float) -> Scenario:
        """The same programme with fewer (or more) people per municipality (at least one each; a faster run)."""
        return self.model_copy(
            update={
                "referred": {m: max(1, round(n * factor)) for m, n in self.referred.items()},
                "hosts": max(2, round(self.hosts * factor)),
            }
        )


def scenario_path(territory: str) -> Path:
    """Where a territory's scenario lives: beside its territory file."""
    return TERRITORIES_DIR / f"{territory}.scenario.yaml"


def load_scenario(path: Path) -> Scenario:
    """A scenario file."""
    return Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
