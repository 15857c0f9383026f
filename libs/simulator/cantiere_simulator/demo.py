"""The demo of `cantiere up`: the territory's scenario played once into a running embedded system."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cantiere_runtime.embedded import plan_services
from cantiere_runtime.territory import Territory

from cantiere_simulator.plan import Programme, plan_programme
from cantiere_simulator.play import Player, Progress, Services
from cantiere_simulator.scenario import Scenario, load_scenario, scenario_path
from cantiere_simulator.tokens import DevTokens

PLAYED = "demo-played.json"  # in the data folder: the demo is played once per data folder


def embedded_services(territory: Territory) -> Services:
    """The addresses `cantiere up` gives the services of a territory (fixed ports)."""
    plans = plan_services(territory)
    referrals: dict[str, str] = {}
    for plan in plans:
        if plan.module == "cantiere_referrals":
            members = json.loads(plan.extra_env.get("CANTIERE_MUNICIPALITIES", json.dumps([plan.partner])))
            referrals.update({m: plan.url for m in members})
    by_module = {p.module: p.url for p in plans}
    return Services(referrals, by_module["cantiere_placements"], by_module["cantiere_monitoring"])


def demo_scenario(territory: Territory, scale: float = 1.0) -> Scenario | None:
    """The territory's scenario (None when it has none), scaled down for a quicker run when asked."""
    path = scenario_path(territory.code)
    if not path.exists():
        return None
    scenario = load_scenario(path)
    return scenario if scale == 1.0 else scenario.scaled(scale)


def demo_territory_text(territory_file: Path, scenario: Scenario) -> str:
    """The territory file with the programme period extended to the demo's end (development only)."""
    import re

    text = territory_file.read_text(encoding="utf-8")
    if scenario.demo_programme_end is None:
        return text
    moved, count = re.subn(r"(programme_period:\n(?:  .*\n)*?  end: )\S+", rf"\g<1>{scenario.demo_programme_end}", text)
    if count != 1:
        raise ValueError("the territory file has no programme_period end to extend")
    return moved


@dataclass(frozen=True)
class Played:
    """What a played demo leaves in the data folder: the seed, the last simulated day, the tally."""

    seed: int
    last_day: date
    referred: int
    started: int

    @classmethod
    def of(cls, scenario: Scenario, programme: Programme) -> Played:
        t = programme.tally
        return cls(scenario.seed, programme.last_day, sum(t.referred.values()), sum(t.started.values()))


def already_played(data_dir: Path) -> str | None:
    """Whether the demo was played into this data folder: "played", "interrupted" (never twice), or None."""
    path = data_dir / PLAYED
    if not path.exists():
        return None
    return "played" if json.loads(path.read_text()).get("status") == "played" else "interrupted"


def play_demo(
    territory: Territory,
    scenario: Scenario,
    data_dir: Path,
    nats_url: str,
    idp_url: str,
    progress: Progress | None = None,
    services: Services | None = None,
) -> Programme:
    """Play the scenario into the running system once; the data folder remembers it was played."""
    programme = plan_programme(scenario, territory)
    player = Player(
        programme, territory, services or embedded_services(territory), DevTokens(territory, data_dir, idp_url),
        nats_url, progress or (lambda *_: None), allowance_cents=scenario.monthly_allowance_cents,
    )  # fmt: skip
    # Marked before the first step: an interrupted demo is never played again on top of itself.
    (data_dir / PLAYED).write_text(json.dumps({"status": "playing", "seed": scenario.seed}))
    asyncio.run(player.run())
    played = Played.of(scenario, programme)
    record = {"status": "played", **played.__dict__, "last_day": played.last_day.isoformat()}
    # The placements as the consortium numbered them (pseudonymous ids), for the checks of what was played.
    record["placements"] = player.placement_id
    (data_dir / PLAYED).write_text(json.dumps(record, indent=1))
    return programme


def played_record(data_dir: Path) -> dict[str, object]:
    """What `play_demo` recorded in the data folder."""
    return dict(json.loads((data_dir / PLAYED).read_text()))


def printer(echo: Callable[[str], None]) -> Progress:
    """Progress as one line per simulated month."""
    shown: set[str] = set()

    def show(done: int, total: int, day: date) -> None:
        month = day.strftime("%Y-%m")
        if month not in shown or done == total:
            shown.add(month)
            width = 30
            bar = "#" * (width * done // total) + "." * (width - width * done // total)
            echo(f"demo {month}  [{bar}] {done}/{total} passi / steps")

    return show
