"""Scale mode: N invented municipalities over M years, played as fast as the services accept.

An invented territory (municipalities ``comune-001``..., in ambiti of up to ten, one referrals process per ambito)
and a scenario shaped like the pilot's are written to the data folder; the embedded system is started on that
territory, the programme is played through the real APIs on the development clock, and the run ends with one
line of rates.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from cantiere_runtime.rules import RuleSet
from cantiere_runtime.territory import TERRITORIES_DIR, load_territory

from cantiere_simulator.scenario import Scenario, load_scenario, scenario_path

AMBITO_SIZE = 10


def scale_territory(municipalities: int, years: int, start: date) -> dict[str, Any]:
    """An invented territory shaped like the pilot's: N municipalities in ambiti, a programme of M years."""
    base = yaml.safe_load((TERRITORIES_DIR / "bari-pilot.yaml").read_text(encoding="utf-8"))
    codes = [f"comune-{i:03d}" for i in range(1, municipalities + 1)]
    ambiti = [codes[i : i + AMBITO_SIZE] for i in range(0, municipalities, AMBITO_SIZE)]
    base.update(
        code=f"scale-{municipalities}x{years}",
        name=f"Simulazione: {municipalities} comuni per {years} anni",
        version=start.isoformat(),
        lead_municipality=codes[0],
        municipalities=[{"code": c, "name": f"Comune inventato {c[-3:]}"} for c in codes],
        ambiti=[
            {
                "code": f"ambito-{i + 1:02d}",
                "name": f"Ambito inventato {i + 1}",
                "capofila": members[0],
                "municipalities": members,
            }
            for i, members in enumerate(ambiti)
        ],
        referrals_services="per_ambito",
        programme_period={"start": start, "end": date(start.year + years + 1, 12, 31)},
    )
    return dict(base)


def scale_scenario(territory: dict[str, Any], per_year: int, years: int, seed: int, rules: RuleSet) -> Scenario:
    """The pilot's scenario, stretched: ``per_year`` people a year from each municipality, over ``years``, under
    the rule set in force (its highest minimum allowance; extensions only where it allows them)."""
    pilot = load_scenario(scenario_path("bari-pilot"))
    start: date = territory["programme_period"]["start"]
    people = per_year * years * len(territory["municipalities"])
    return pilot.model_copy(
        update={
            "territory": territory["code"],
            "seed": seed,
            "referred": {m["code"]: per_year * years for m in territory["municipalities"]},
            "referrals_from": start + timedelta(days=30),
            "referrals_until": start + timedelta(days=365 * years - 200),
            "hosts_from": start,
            "hosts": max(2, math.ceil(people / 3)),
            "declined": people // 30,
            "withdrawn_and_erased": people // 60,
            "no_placement": people // 30,
            "keep_apart_pairs": max(1, people // 40),
            "demo_programme_end": None,
            "play_until": None,
            "months": min(pilot.months, rules.max_duration_months),
            "monthly_allowance_cents": max(step.cents for step in rules.min_monthly_allowance_cents),
            "extension_rate": pilot.extension_rate if rules.max_extension_days >= 30 else 0.0,
        }
    )


@dataclass
class Rates:
    """What a scale run did, and how fast."""

    steps: int
    requests: int
    public_events: int
    seconds: float

    def line(self, municipalities: int, years: int) -> str:
        per = max(self.seconds, 1e-9)
        return (
            f"scale: {municipalities} comuni x {years} anni: {self.steps} passi, {self.requests} richieste HTTP, "
            f"{self.public_events} eventi pubblici in {self.seconds:.0f} s: {self.steps / per:.1f} passi/s, "
            f"{self.requests / per:.1f} richieste/s, {self.public_events / per:.1f} eventi/s"
        )


def write_scale_files(
    data_dir: Path, municipalities: int, years: int, per_year: int, seed: int
) -> tuple[Path, Scenario]:
    """The invented territory file (checked by loading it) and its scenario, under ``data_dir``."""
    territory = scale_territory(municipalities, years, date(2024, 1, 1))
    path = data_dir / "scale" / f"{territory['code']}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(territory, sort_keys=False, allow_unicode=True), encoding="utf-8")
    rules = load_territory(path).rule_set_on(territory["programme_period"]["start"])
    return path, scale_scenario(territory, per_year, years, seed, rules)


async def public_events(nats_url: str) -> int:
    import nats
    from cantiere_runtime.bus import PUBLIC_STREAM

    nc = await nats.connect(nats_url)
    try:
        return int((await nc.jetstream().stream_info(PUBLIC_STREAM.name)).state.messages)
    finally:
        await nc.close()


def elapsed_since(started: float) -> float:
    return time.monotonic() - started
